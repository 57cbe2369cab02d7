package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Out-of-order data against the receive buffer (RFC 9293 §3.8.6, RFC 7323 §2.4): what is held for
 * reassembly counts against the room, each byte once; the window offered never shrinks, so all
 * the data within it fits; data beyond the free room is dropped and counted, the rest reassembled.
 */
class TcpReassemblyTest {

  private static final int PEER_ISS = 3_000_000;
  private static final int BUFFER = 4096;
  private static final TcpSettings SMALL = TcpSettings.DEFAULTS.withSecret(5).withBuffers(BUFFER, BUFFER);
  private static final byte[] DATA = new byte[BUFFER];

  static {
    for (int i = 0; i < DATA.length; i++) {
      DATA[i] = (byte) (i * 13 + i / 256);
    }
  }

  /** The peer's bytes [from, to) of {@link #DATA} on the connection from {@code port}. */
  private static void send(TcpScript s, TcpConnection c, int port, int from, int to) {
    s.inject(seg(ACK, port, 80).seq(PEER_ISS + 1 + from).ack(c.sndNxt).data(Arrays.copyOfRange(DATA, from, to)));
  }

  private static byte[] read(TcpScript s, TcpConnection c) throws Exception {
    CompletableFuture<ByteBuf> f = new CompletableFuture<>();
    c.read(f, s.now);
    if (!f.isDone()) {
      return new byte[0];
    }
    ByteBuf b = f.get();
    byte[] got = ByteBufUtil.getBytes(b);
    b.release();
    return got;
  }

  /** The ACKs sent since the last call; each one's right edge must not be left of {@code edge}. */
  private static int rightEdge(TcpScript s, int edge) {
    Out o;
    while ((o = s.ip.sent.poll()) != null) {
      int e = o.ack + o.window;
      assertTrue(e - edge >= 0, "the right edge moved left: " + o);
      edge = e;
    }
    return edge;
  }

  @Test
  void rfc9293_3_8_6_overlappingAndDuplicateOutOfOrderDataIsHeldOnceSoTheWholeWindowFits() throws Exception {
    try (TcpScript s = new TcpScript(SMALL)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(1460));
      int edge = PEER_ISS + 1 + BUFFER; // the window of the SYN-ACK: the whole buffer
      send(s, c, 40000, 1400, 2800);
      send(s, c, 40000, 1000, 2400); // overlaps: only [1000, 1400) is new
      send(s, c, 40000, 2000, 3400); // only [2800, 3400) is new
      send(s, c, 40000, 1400, 2800); // all held already (a go-back-N resend)
      send(s, c, 40000, 3400, 4096);
      edge = rightEdge(s, edge);
      assertEquals(PEER_ISS + 1 + BUFFER, edge);
      assertEquals(0, s.tcp.counters().get(TcpCounter.RX_DROP_OUT_OF_ORDER_FULL), "the window's data all fits");
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_OUT_OF_ORDER_DUPLICATE));
      assertEquals(BUFFER - 1000, c.outOfOrderBytes, "each byte held once");
      send(s, c, 40000, 0, 1000); // the hole is filled
      edge = rightEdge(s, edge);
      assertEquals(PEER_ISS + 1 + BUFFER, edge, "the buffer is full: the window closes at the same edge");
      assertEquals(0, c.outOfOrderBytes);
      assertArrayEquals(DATA, read(s, c), "reassembled in order, every byte once");
      assertEquals(SMALL.receiveBudget(), s.tcp.receiveBudgetLeft(), "nothing held any more");
    }
  }

  @Test
  void rfc9293_3_8_6_outOfOrderDataBeyondTheStacksFreeRoomIsDroppedAndCountedTheRestReassembled() throws Exception {
    // Three connections share 8 KiB of receive budget; each was offered a 4 KiB window.
    try (TcpScript s = new TcpScript(SMALL.withReceiveBudget(2 * BUFFER))) {
      TcpConnection a = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(1460));
      TcpConnection b = s.acceptFrom(40001, 80, PEER_ISS, new TcpOptions().mss(1460));
      TcpConnection c = s.acceptFrom(40002, 80, PEER_ISS, new TcpOptions().mss(1460));
      for (int i = 0; i < BUFFER; i += 1024) {
        send(s, b, 40001, i, i + 1024); // unread: b holds 4,096 bytes
      }
      send(s, c, 40002, 0, 1000);
      send(s, c, 40002, 1000, 2000);
      send(s, c, 40002, 2000, 3000); // c holds 3,000: 1,096 bytes of the budget are left
      int edge = rightEdge(s, PEER_ISS + 1);
      assertEquals(1096, s.tcp.receiveBudgetLeft());

      send(s, a, 40000, 1000, 2400); // in a's window, but only 1,096 bytes fit
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_MEMORY));
      assertEquals(1096, a.outOfOrderBytes, "the part that fits is kept");
      assertEquals(0, s.tcp.receiveBudgetLeft());
      rightEdge(s, edge);

      assertEquals(BUFFER, read(s, b).length); // the budget frees up
      s.ip.sent.clear();
      send(s, a, 40000, 0, 1000);
      Out ack = s.expect();
      assertEquals(PEER_ISS + 1 + 2096, ack.ack, "the hole filled up to what was kept");
      send(s, a, 40000, 2096, 2400); // the peer sends the rest again
      assertArrayEquals(Arrays.copyOfRange(DATA, 0, 2400), read(s, a));
      assertEquals(0, a.outOfOrderBytes);
    }
  }
}
