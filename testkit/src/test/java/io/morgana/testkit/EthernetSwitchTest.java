package io.morgana.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.runtime.DeterministicLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EthernetSwitchTest {

  private final FakeClock clock = new FakeClock();
  private final DeterministicLoop loop = new DeterministicLoop(clock);
  private final EthernetSwitch sw = new EthernetSwitch(loop);
  private final List<ByteBuf> written = new ArrayList<>();

  @AfterEach
  void allWrittenFramesReleased() {
    sw.close();
    for (ByteBuf b : written) {
      assertEquals(0, b.refCnt(), "switch leaked a frame it was given");
    }
  }

  private ByteBuf frame(MacAddress dst, MacAddress src, int payload, int fill) {
    ByteBuf b = Unpooled.buffer(14 + payload);
    b.writeZero(14 + payload);
    dst.writeTo(b, 0);
    src.writeTo(b, 6);
    b.setShort(12, 0x88b5);
    for (int i = 0; i < payload; i++) {
      b.setByte(14 + i, fill + i);
    }
    written.add(b);
    return b;
  }

  /** Records copies of the frames a port receives, and the buffers it was handed. */
  private static final class Recorder implements Netif.FrameHandler {
    final List<byte[]> frames = new ArrayList<>();
    final List<ByteBuf> buffers = new ArrayList<>();

    @Override
    public void onFrame(ByteBuf frame, long arrivalNanos, int flags) {
      frames.add(ByteBufUtil.getBytes(frame));
      buffers.add(frame);
    }
  }

  @Test
  void newPortsGetDistinctLocallyAdministeredUnicastAddressesFromTheSeed() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    assertNotEquals(a.mac(), b.mac());
    assertTrue(a.mac().isLocallyAdministered());
    assertFalse(a.mac().isMulticast());
    assertEquals(EthernetSwitch.DEFAULT_MTU, a.mtu());
    EthernetSwitch again = new EthernetSwitch(loop);
    assertEquals(a.mac(), again.newPort().mac(), "same seed, same addresses");
    again.close();
  }

  @Test
  void deliversOnTheLoopNotInWrite() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    Recorder rb = new Recorder();
    b.listen(rb);
    assertTrue(a.write(frame(b.mac(), a.mac(), 10, 1)));
    assertEquals(0, rb.frames.size());
    assertEquals(1, sw.queuedFrames());
    loop.runUntilIdle();
    assertEquals(1, rb.frames.size());
    assertEquals(0, sw.queuedFrames());
  }

  @Test
  void floodsUnknownThenForwardsToLearntPortOnly() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    Netif c = sw.newPort();
    Recorder ra = new Recorder();
    Recorder rb = new Recorder();
    Recorder rc = new Recorder();
    a.listen(ra);
    b.listen(rb);
    c.listen(rc);
    // b is unknown yet: flooded to b and c, never back to a.
    a.write(frame(b.mac(), a.mac(), 20, 0));
    loop.runUntilIdle();
    assertEquals(0, ra.frames.size());
    assertEquals(1, rb.frames.size());
    assertEquals(1, rc.frames.size());
    assertEquals(1, sw.floodedFrames());
    // b answers: a was learnt, so only a receives.
    b.write(frame(a.mac(), b.mac(), 20, 0));
    loop.runUntilIdle();
    assertEquals(1, ra.frames.size());
    assertEquals(1, rc.frames.size());
    assertEquals(1, sw.forwardedFrames());
    // now b is learnt too.
    a.write(frame(b.mac(), a.mac(), 20, 0));
    loop.runUntilIdle();
    assertEquals(2, rb.frames.size());
    assertEquals(1, rc.frames.size());
  }

  @Test
  void broadcastAndMulticastAreFloodedEachReceiverWithItsOwnBuffer() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    Netif c = sw.newPort();
    Recorder rb = new Recorder();
    Recorder rc = new Recorder();
    b.listen(rb);
    c.listen(rc);
    c.write(frame(MacAddress.BROADCAST, c.mac(), 1, 0)); // c learnt
    a.write(frame(MacAddress.BROADCAST, a.mac(), 30, 7));
    a.write(frame(MacAddress.parse("01:00:5e:00:00:01"), a.mac(), 30, 9));
    loop.runUntilIdle();
    assertEquals(3, rb.frames.size());
    assertEquals(2, rc.frames.size());
    assertArrayEquals(rb.frames.get(1), rc.frames.get(0));
    assertArrayEquals(rb.frames.get(2), rc.frames.get(1));
    assertNotSame(rb.buffers.get(1), rc.buffers.get(0));
  }

  @Test
  void framesArriveIntactAndInOrder() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    Recorder rb = new Recorder();
    b.listen(rb);
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ByteBuf f = frame(b.mac(), a.mac(), 46 + i * 13, i);
      sent.add(ByteBufUtil.getBytes(f));
      assertTrue(a.write(f));
    }
    loop.runUntilIdle();
    assertEquals(100, rb.frames.size());
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(sent.get(i), rb.frames.get(i), "frame " + i);
    }
    assertEquals(100, a.stats().txFrames());
    assertEquals(100, b.stats().rxFrames());
    assertEquals(sent.stream().mapToLong(x -> x.length).sum(), b.stats().rxBytes());
  }

  @Test
  void tooLongForSenderIsRefusedTooLongForReceiverIsDroppedAndCounted() {
    EthernetSwitch.Port a = sw.newPort(MacAddress.parse("02:00:00:00:00:0a"), 9000);
    EthernetSwitch.Port b = sw.newPort(MacAddress.parse("02:00:00:00:00:0b"), 1500);
    Recorder rb = new Recorder();
    b.listen(rb);
    assertFalse(a.write(frame(b.mac(), a.mac(), 9001, 0)));
    assertEquals(1, a.stats().txDropped());
    assertTrue(a.write(frame(b.mac(), a.mac(), 1501, 0)));
    assertTrue(a.write(frame(b.mac(), a.mac(), 1500, 0)));
    assertFalse(a.write(Unpooled.buffer(13).writeZero(13)));
    loop.runUntilIdle();
    assertEquals(1, rb.frames.size());
    assertEquals(1514, rb.frames.get(0).length);
    assertEquals(1, b.rxTooLong());
    assertEquals(1, b.stats().rxDropped());
    assertEquals(2, a.stats().txDropped());
  }

  @Test
  void frameToPortWithoutHandlerIsCountedAsDrop() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    a.write(frame(b.mac(), a.mac(), 10, 0));
    loop.runUntilIdle();
    assertEquals(1, b.stats().rxDropped());
    assertEquals(0, b.stats().rxFrames());
  }

  @Test
  void closedPortIsDetachedForgottenAndRefusesWrites() {
    EthernetSwitch.Port a = sw.newPort();
    EthernetSwitch.Port b = sw.newPort();
    EthernetSwitch.Port c = sw.newPort();
    Recorder rc = new Recorder();
    c.listen(rc);
    b.write(frame(MacAddress.BROADCAST, b.mac(), 10, 0)); // b learnt
    loop.runUntilIdle();
    b.close();
    b.close();
    assertTrue(b.isClosed());
    assertEquals(List.of(a, c), sw.ports());
    ByteBuf refused = frame(a.mac(), b.mac(), 10, 0);
    assertFalse(b.write(refused));
    assertEquals(0, refused.refCnt());
    // b's address is forgotten: a frame to it is flooded (reaches c), not sent to a dead port.
    a.write(frame(b.mac(), a.mac(), 10, 0));
    loop.runUntilIdle();
    assertEquals(2, rc.frames.size());
  }

  @Test
  void handlerMayRetainItsBufferAndWriteBackFromTheHandler() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    List<ByteBuf> kept = new ArrayList<>();
    Recorder ra = new Recorder();
    a.listen(ra);
    b.listen((f, at, flags) -> {
      kept.add(f.retain());
      ByteBuf reply = f.copy();
      a.mac().writeTo(reply, reply.readerIndex());
      b.mac().writeTo(reply, reply.readerIndex() + 6);
      written.add(reply);
      b.write(reply);
    });
    a.write(frame(b.mac(), a.mac(), 40, 3));
    loop.runUntilIdle();
    assertEquals(1, ra.frames.size());
    assertEquals(1, kept.get(0).refCnt());
    kept.get(0).release();
  }

  @Test
  void writesFromAnotherThreadAreDeliveredOnTheLoop() throws Exception {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    Recorder rb = new Recorder();
    b.listen(rb);
    Thread t = Thread.ofPlatform().start(() -> {
      for (int i = 0; i < 50; i++) {
        a.write(frame(b.mac(), a.mac(), 10, i));
      }
    });
    t.join();
    loop.runUntilIdle();
    assertEquals(50, rb.frames.size());
  }

  @Test
  void closingTheSwitchReleasesQueuedFrames() {
    Netif a = sw.newPort();
    Netif b = sw.newPort();
    ByteBuf f = frame(b.mac(), a.mac(), 10, 0);
    a.write(f);
    sw.close();
    assertEquals(0, f.refCnt());
    loop.runUntilIdle();
  }
}
