package io.morgana.xen.store.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden bytes from xen-abi.md appendix A.5 ({@code xsmsg.c} compiled against libxen-dev's {@code xs_wire.h}). */
class XsMessageTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void construct_readRequestMatchesXsmsgOut() {
    byte[] expected = hex("02000000 07000000 00000000 13000000"
        + "6465766963652f7669662f302f7374617465 00");
    XsMessage m = new XsMessage(XsMessageType.READ, 7, 0, XsPayloads.strings("device/vif/0/state"));
    assertArrayEquals(expected, m.encode());
  }

  @Test
  void construct_writeInTransactionMatchesXsmsgOut() {
    byte[] expected = hex("0b000000 08000000 03000000 14000000"
        + "6465766963652f7669662f302f7374617465 00 34");
    XsMessage m = new XsMessage(XsMessageType.WRITE, 8, 3,
        XsPayloads.pathAndValue("device/vif/0/state", "4".getBytes(StandardCharsets.US_ASCII)));
    assertArrayEquals(expected, m.encode());
  }

  @Test
  void construct_transactionStartEndAndWatchMatchXsmsgOut() {
    assertArrayEquals(hex("06000000 09000000 00000000 01000000 00"),
        new XsMessage(XsMessageType.TRANSACTION_START, 9, 0, XsPayloads.strings("")).encode());
    assertArrayEquals(hex("07000000 0a000000 03000000 02000000 5400"),
        new XsMessage(XsMessageType.TRANSACTION_END, 10, 3, XsPayloads.strings("T")).encode());
    assertArrayEquals(hex("04000000 0b000000 00000000 2b000000"
            + "2f6c6f63616c2f646f6d61696e2f302f6261636b656e642f7669662f312f302f7374617465 00 746f6b31 00"),
        new XsMessage(XsMessageType.WATCH, 11, 0, XsPayloads.strings("/local/domain/0/backend/vif/1/0/state", "tok1")).encode());
  }

  @Test
  void deconstruct_readReplyOkReplyAndError() throws Exception {
    XsMessage reply = XsMessage.parse(hex("02000000 07000000 00000000 01000000 34"), 0, 17);
    assertEquals(XsMessageType.READ, reply.type());
    assertEquals(7, reply.reqId());
    assertArrayEquals(new byte[] {'4'}, reply.payload());

    XsMessage ok = XsMessage.parse(hex("0b000000 08000000 03000000 03000000 4f4b00"), 0, 19);
    assertEquals(3, ok.txId());
    XsPayloads.parseOk(ok.payload());

    XsMessage err = XsMessage.parse(hex("10000000 07000000 00000000 07000000 454e4f454e5400"), 0, 23);
    assertEquals(XsMessageType.ERROR, err.type());
    assertEquals(XsError.ENOENT, XsError.ofName(XsPayloads.parseSingleString(err.payload())));
  }

  @Test
  void messageTypeNumbersAreThoseOfXsWireH() {
    assertEquals(0, XsMessageType.CONTROL.code());
    assertEquals(1, XsMessageType.DIRECTORY.code());
    assertEquals(11, XsMessageType.WRITE.code());
    assertEquals(15, XsMessageType.WATCH_EVENT.code());
    assertEquals(16, XsMessageType.ERROR.code());
    assertEquals(19, XsMessageType.SET_TARGET.code());
    assertEquals(21, XsMessageType.RESET_WATCHES.code());
    assertEquals(22, XsMessageType.DIRECTORY_PART.code());
    assertEquals(23, XsMessageType.TYPE_COUNT);
    assertEquals(null, XsMessageType.ofCode(20));
    assertEquals(null, XsMessageType.ofCode(0xffff));
  }

  @Test
  void errorTableIsXsdErrorsInOrder() {
    String[] names = {"EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM", "ENOSPC", "EIO",
        "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN", "E2BIG", "EPERM"};
    int[] errnos = {22, 13, 17, 21, 2, 12, 28, 5, 39, 38, 30, 16, 11, 106, 7, 1};
    XsError[] values = XsError.values();
    assertEquals(names.length, values.length);
    for (int i = 0; i < names.length; i++) {
      assertEquals(names[i], values[i].name());
      assertEquals(errnos[i], values[i].errno());
    }
    assertEquals(null, XsError.ofName("EWHATEVER"));
  }

  @Test
  void impossible_len_overPayloadMaxIsMalformed() {
    byte[] b = hex("02000000 07000000 00000000 01100000");
    assertThrows(MalformedXenStoreMessageException.class, () -> XsHeader.parse(b, 0, 16));
  }

  @Test
  void impossible_len_disagreesWithBytes() {
    byte[] b = hex("02000000 07000000 00000000 05000000 3434");
    assertThrows(MalformedXenStoreMessageException.class, () -> XsMessage.parse(b, 0, b.length));
  }

  @Test
  void unknownTypeIsMalformed() {
    byte[] b = hex("14000000 07000000 00000000 00000000");
    assertThrows(MalformedXenStoreMessageException.class, () -> XsMessage.parse(b, 0, b.length));
  }

  @Test
  void missingNulIsMalformed() {
    assertThrows(MalformedXenStoreMessageException.class, () -> XsPayloads.parseStrings("abc".getBytes()));
    assertThrows(MalformedXenStoreMessageException.class, () -> XsPayloads.parseOk("OK".getBytes()));
    assertThrows(MalformedXenStoreMessageException.class, () -> XsPayloads.parseSingleString("a\0b\0".getBytes()));
    assertThrows(MalformedXenStoreMessageException.class, () -> XsWatchEvent.parse("path\0tok".getBytes()));
    assertThrows(MalformedXenStoreMessageException.class, () -> XsPayloads.parsePathAndValue("nonul".getBytes()));
  }

  @Test
  void frameDecoderReassemblesMessagesSplitAnywhere() throws Exception {
    byte[] a = new XsMessage(XsMessageType.READ, 1, 0, XsPayloads.strings("a/b")).encode();
    byte[] b = new XsMessage(XsMessageType.WATCH_EVENT, 0, 0, XsPayloads.strings("x", "t")).encode();
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    for (int split = 0; split <= both.length; split++) {
      XsFrameDecoder d = new XsFrameDecoder();
      List<XsMessage> out = new ArrayList<>();
      d.feed(both, 0, split, f -> out.add(unchecked(f)));
      d.feed(both, split, both.length - split, f -> out.add(unchecked(f)));
      assertEquals(2, out.size(), "split at " + split);
      assertArrayEquals(a, out.get(0).encode());
      assertArrayEquals(b, out.get(1).encode());
    }
  }

  @Test
  void frameDecoderStaysBrokenAfterOversizeHeader() {
    XsFrameDecoder d = new XsFrameDecoder();
    byte[] bad = hex("02000000 07000000 00000000 ffffffff");
    assertThrows(MalformedXenStoreMessageException.class, () -> d.feed(bad, 0, bad.length, f -> {}));
    byte[] good = new XsMessage(XsMessageType.READ, 1, 0, new byte[0]).encode();
    assertThrows(MalformedXenStoreMessageException.class, () -> d.feed(good, 0, good.length, f -> {}));
  }

  private static XsMessage unchecked(XsFrameDecoder.Frame f) {
    try {
      return f.message();
    } catch (MalformedXenStoreMessageException e) {
      throw new AssertionError(e);
    }
  }
}
