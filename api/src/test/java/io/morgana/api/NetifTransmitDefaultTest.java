package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * {@link Netif#write(ByteBuf, int, int)}'s default, which every interface that offloads nothing
 * inherits: plain frames go to {@link Netif#write(ByteBuf)} (and its own MTU check), a partial
 * checksum is refused loudly, never sent wrong.
 */
class NetifTransmitDefaultTest {

  /** An interface of MTU 1500 that offloads nothing and refuses frames above it. */
  static final class Plain implements Netif {
    int written;
    int refused;

    @Override public MacAddress mac() { return MacAddress.of(0x0200_0000_0001L); }
    @Override public int mtu() { return 1500; }
    @Override public Offloads offloads() { return Offloads.NONE; }
    @Override public NetifStats stats() { return new NetifStats(0, 0, 0, written, 0, refused); }
    @Override public void listen(FrameHandler handler) {}
    @Override public void close() {}

    @Override
    public boolean write(ByteBuf frame) {
      try {
        if (frame.readableBytes() > mtu() + 14) {
          refused++;
          return false;
        }
        written++;
        return true;
      } finally {
        frame.release();
      }
    }
  }

  @Test
  void aPlainFrame_goesThroughWrite_whateverTheSegmentSize() {
    Plain n = new Plain();
    assertTrue(n.write(Unpooled.buffer(100).writeZero(100), 0, 1448));
    assertEquals(1, n.written);
  }

  @Test
  void aSuperSegment_isRefusedAndCountedByTheInterfacesOwnMtuCheck() {
    Plain n = new Plain();
    ByteBuf frame = Unpooled.buffer(20_000).writeZero(20_000);
    assertFalse(n.write(frame, 0, 1448));
    assertEquals(1, n.refused);
    assertEquals(0, frame.refCnt(), "released");
  }

  @Test
  void aPartialChecksum_onAnInterfaceThatDoesNotOfferIt_isAnErrorAndTheFrameIsReleased() {
    Plain n = new Plain();
    ByteBuf frame = Unpooled.buffer(100).writeZero(100);
    assertThrows(IllegalArgumentException.class, () -> n.write(frame, Netif.TX_CHECKSUM_PARTIAL, 0));
    assertEquals(0, frame.refCnt(), "released");
    assertEquals(0, n.written);
  }
}
