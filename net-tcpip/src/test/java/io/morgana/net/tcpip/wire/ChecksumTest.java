package io.morgana.net.tcpip.wire;

import static io.morgana.net.tcpip.wire.WireTestSupport.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class ChecksumTest {

  @Test
  void rfc1071_section3_numericalExample() {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2; the checksum is its complement.
    ByteBuf b = buf("0001f203f4f5f6f7");
    assertEquals(0xddf2, Checksum.fold(Checksum.sum(b, 0, 8, 0)));
    assertEquals(0x220d, Checksum.compute(b, 0, 8));
  }

  @Test
  void rfc1071_oddLengthPadsLastByteWithZero() {
    assertEquals(Checksum.compute(buf("0001f203f4f5f6f7ab00"), 0, 10), Checksum.compute(buf("0001f203f4f5f6f7ab"), 0, 9));
    assertEquals(Checksum.compute(buf("ab00"), 0, 2), Checksum.compute(buf("ab"), 0, 1));
  }

  @Test
  void rfc1071_sumIsIndependentOfChunking() {
    ByteBuf b = buf("4500007300004000 4011b861c0a80001 c0a800c7ab");
    long whole = Checksum.sum(b, 0, 21, 0);
    long parts = Checksum.sum(b, 8, 13, Checksum.sum(b, 0, 8, 0));
    assertEquals(Checksum.fold(whole), Checksum.fold(parts));
  }

  @Test
  void rfc1624_section4_incrementalUpdateExample() {
    // RFC 1624 §4: HC = 0xdd2f, m = 0x5555 changes to m' = 0x3285: HC' = 0x0000 (eqn. 3).
    assertEquals(0x0000, Checksum.update(0xdd2f, 0x5555, 0x3285));
  }

  @Test
  void rfc791_headerChecksumOfTheWellKnownExampleVerifies() {
    ByteBuf b = buf("450000730000400040 11b861c0a80001c0a800c7");
    assertTrue(Checksum.verifies(Checksum.sum(b, 0, 20, 0)));
  }

  @Test
  void rfc768_pseudoHeaderSum() {
    // 192.0.2.2 -> 192.0.2.1, UDP, length 13: c000+0202+c000+0201+0011+000d
    long s = Checksum.pseudoHeader(0xc0000202, 0xc0000201, 17, 13);
    assertEquals(0xc000 + 0x0202 + 0xc000 + 0x0201 + 0x11 + 13, s);
  }
}
