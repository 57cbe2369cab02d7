package io.morgana.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Netif;
import io.morgana.runtime.DeterministicLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInjectingNetifTest {

  private static final long SEED = 20261126L;

  private final FakeClock clock = new FakeClock();
  private final DeterministicLoop loop = new DeterministicLoop(clock);
  private final EthernetSwitch sw = new EthernetSwitch(loop);
  private final EthernetSwitch.Port a = sw.newPort();
  private final EthernetSwitch.Port b = sw.newPort();
  private final List<ByteBuf> written = new ArrayList<>();
  private final List<byte[]> atB = new ArrayList<>();
  private final List<byte[]> atA = new ArrayList<>();

  @AfterEach
  void nothingLeaks() {
    sw.close();
    for (ByteBuf f : written) {
      assertEquals(0, f.refCnt(), "frame not released (seed " + SEED + ")");
    }
  }

  private ByteBuf frame(Netif from, Netif to, int seq, int size) {
    ByteBuf f = Unpooled.buffer(size);
    f.writeZero(size);
    to.mac().writeTo(f, 0);
    from.mac().writeTo(f, 6);
    f.setShort(12, 0x88b5);
    f.setInt(14, seq);
    for (int i = 18; i < size; i++) {
      f.setByte(i, seq * 7 + i);
    }
    written.add(f);
    return f;
  }

  private FaultInjectingNetif wrap(UnaryOperator<FaultInjectingNetif.Builder> faults) {
    FaultInjectingNetif f = faults.apply(FaultInjectingNetif.builder(a, loop).seed(SEED)).build();
    f.listen((x, at, flags) -> atA.add(ByteBufUtil.getBytes(x)));
    b.listen((x, at, flags) -> atB.add(ByteBufUtil.getBytes(x)));
    return f;
  }

  /** Sends n frames through the wrapper and returns their bytes. */
  private List<byte[]> sendThrough(FaultInjectingNetif f, int n, int size) {
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ByteBuf x = frame(f, b, i, size);
      sent.add(ByteBufUtil.getBytes(x));
      f.write(x);
    }
    loop.runUntilIdle();
    return sent;
  }

  private static int seq(byte[] frame) {
    return ((frame[14] & 0xff) << 24) | ((frame[15] & 0xff) << 16) | ((frame[16] & 0xff) << 8) | (frame[17] & 0xff);
  }

  @Test
  void withoutFaultsFramesPassUnchangedBothWays() {
    FaultInjectingNetif f = wrap(x -> x);
    List<byte[]> sent = sendThrough(f, 20, 100);
    assertEquals(20, atB.size());
    for (int i = 0; i < 20; i++) {
      assertArrayEquals(sent.get(i), atB.get(i));
    }
    b.write(frame(b, f, 99, 80));
    loop.runUntilIdle();
    assertEquals(1, atA.size());
    assertEquals(new FaultInjectingNetif.Faults(0, 0, 0, 0, 0, 0, 0), f.faults());
    assertEquals(20, f.stats().txFrames());
    assertEquals(1, f.stats().rxFrames());
  }

  @Test
  void dropLosesAboutTheRequestedShareReproducibly() {
    FaultInjectingNetif f = wrap(x -> x.drop(0.3));
    sendThrough(f, 1000, 60);
    long dropped = f.faults().dropped();
    assertEquals(1000, atB.size() + dropped);
    assertTrue(dropped > 200 && dropped < 400, "dropped " + dropped + " of 1000 at p=0.3 (seed " + SEED + ")");
    // Same seed, same traffic: the same frames are lost.
    List<Integer> first = atB.stream().map(FaultInjectingNetifTest::seq).toList();
    atB.clear();
    FaultInjectingNetif again = FaultInjectingNetif.builder(sw.newPort(), loop).seed(SEED).drop(0.3).build();
    for (int i = 0; i < 1000; i++) {
      again.write(frame(again, b, i, 60));
    }
    loop.runUntilIdle();
    assertEquals(first, atB.stream().map(FaultInjectingNetifTest::seq).toList());
  }

  @Test
  void dropAllLosesEverythingInBothDirections() {
    FaultInjectingNetif f = wrap(x -> x.drop(1.0));
    sendThrough(f, 10, 60);
    b.write(frame(b, f, 1, 60));
    loop.runUntilIdle();
    assertEquals(0, atB.size());
    assertEquals(0, atA.size());
    assertEquals(11, f.faults().dropped());
  }

  @Test
  void directionLimitsFaultsToOneWay() {
    FaultInjectingNetif f = wrap(x -> x.drop(1.0).direction(FaultInjectingNetif.Direction.RX));
    sendThrough(f, 10, 60);
    b.write(frame(b, f, 1, 60));
    loop.runUntilIdle();
    assertEquals(10, atB.size());
    assertEquals(0, atA.size());
    assertEquals(1, f.faults().dropped());
  }

  @Test
  void duplicateDeliversIdenticalCopies() {
    FaultInjectingNetif f = wrap(x -> x.duplicate(1.0));
    List<byte[]> sent = sendThrough(f, 5, 120);
    assertEquals(10, atB.size());
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(sent.get(i), atB.get(2 * i));
      assertArrayEquals(sent.get(i), atB.get(2 * i + 1));
    }
    b.write(frame(b, f, 1, 60));
    loop.runUntilIdle();
    assertEquals(2, atA.size());
    assertArrayEquals(atA.get(0), atA.get(1));
    assertEquals(6, f.faults().duplicated());
  }

  @Test
  void reorderHoldsFramesUntilTheirDeadlineThenReleasesThem() {
    FaultInjectingNetif f = wrap(x -> x.reorder(0.5, Duration.ofMillis(10)));
    List<byte[]> sent = sendThrough(f, 40, 64);
    long held = f.faults().reordered();
    assertTrue(held > 5 && held < 35, "held " + held + " (seed " + SEED + ")");
    assertEquals(held, f.heldFrames());
    assertEquals(40 - held, atB.size(), "held frames wait for their deadline");
    assertEquals(clock.nanoTime() + Duration.ofMillis(10).toNanos(), loop.nextDeadlineNanos());
    loop.advance(Duration.ofMillis(10));
    assertEquals(40, atB.size());
    assertEquals(0, f.heldFrames());
    List<Integer> order = atB.stream().map(FaultInjectingNetifTest::seq).toList();
    assertNotEquals(order.stream().sorted().toList(), order, "frames were reordered");
    List<byte[]> sortedGot = new ArrayList<>(atB);
    sortedGot.sort(Comparator.comparingInt(FaultInjectingNetifTest::seq));
    for (int i = 0; i < 40; i++) {
      assertArrayEquals(sent.get(i), sortedGot.get(i), "every frame arrives intact");
    }
  }

  @Test
  void reorderOnReceiveRetainsAndReleasesTheFrame() {
    FaultInjectingNetif f = wrap(x -> x.reorder(1.0, Duration.ofMillis(5)));
    b.write(frame(b, f, 1, 100));
    b.write(frame(b, f, 2, 100));
    loop.runUntilIdle();
    assertEquals(0, atA.size());
    loop.advance(Duration.ofMillis(5));
    assertEquals(List.of(1, 2), atA.stream().map(FaultInjectingNetifTest::seq).toList());
  }

  @Test
  void corruptFlipsExactlyOneBitAfterTheEthernetHeaderWithoutTouchingTheCallersBuffer() {
    FaultInjectingNetif f = wrap(x -> x.corrupt(1.0));
    ByteBuf original = frame(f, b, 1, 200);
    byte[] before = ByteBufUtil.getBytes(original);
    original.retain(); // keep it to check it was not modified in place
    f.write(original);
    b.write(frame(b, f, 2, 200));
    loop.runUntilIdle();
    assertArrayEquals(before, ByteBufUtil.getBytes(original), "the caller's buffer is never modified");
    original.release();
    assertEquals(1, atB.size());
    assertOneBitFlippedAfterHeader(before, atB.get(0));
    assertEquals(1, atA.size());
    assertEquals(2, f.faults().corrupted());
  }

  private static void assertOneBitFlippedAfterHeader(byte[] sent, byte[] got) {
    assertEquals(sent.length, got.length);
    assertArrayEquals(Arrays.copyOf(sent, 14), Arrays.copyOf(got, 14), "header untouched");
    int bits = 0;
    for (int i = 0; i < sent.length; i++) {
      bits += Integer.bitCount((sent[i] ^ got[i]) & 0xff);
    }
    assertEquals(1, bits, "exactly one bit flipped");
  }

  @Test
  void truncateCutsFramesToAPrefixOfAtLeastTheHeader() {
    FaultInjectingNetif f = wrap(x -> x.truncate(1.0));
    List<byte[]> sent = sendThrough(f, 30, 300);
    assertEquals(30, atB.size());
    for (int i = 0; i < 30; i++) {
      byte[] got = atB.get(i);
      assertTrue(got.length >= 14 && got.length < 300, "length " + got.length);
      assertArrayEquals(Arrays.copyOf(sent.get(i), got.length), got);
    }
    assertEquals(30, f.faults().truncated());
  }

  @Test
  void mtuLimitRefusesLongWritesAndDropsLongArrivals() {
    FaultInjectingNetif f = wrap(x -> x.mtu(576));
    assertEquals(576, f.mtu());
    assertFalse(f.write(frame(f, b, 1, 576 + 15)));
    assertTrue(f.write(frame(f, b, 2, 576 + 14)));
    b.write(frame(b, f, 3, 1000));
    b.write(frame(b, f, 4, 500));
    loop.runUntilIdle();
    assertEquals(List.of(2), atB.stream().map(FaultInjectingNetifTest::seq).toList());
    assertEquals(List.of(4), atA.stream().map(FaultInjectingNetifTest::seq).toList());
    assertEquals(2, f.faults().tooLong());
    assertEquals(1, f.stats().txDropped());
    assertEquals(1, f.stats().rxDropped());
  }

  @Test
  void rateLimitPassesTheBurstThenTheRateOverTime() {
    FaultInjectingNetif f = wrap(x -> x.rateLimit(100_000, 10_000).direction(FaultInjectingNetif.Direction.TX));
    sendThrough(f, 100, 1000); // 100 kB at once, t = 0
    assertEquals(10, atB.size(), "a 10 kB burst passes");
    assertEquals(90, f.faults().rateLimited());
    loop.advance(Duration.ofMillis(50)); // 5 kB of tokens
    sendThrough(f, 10, 1000);
    assertEquals(15, atB.size());
  }

  @Test
  void framesWithoutHandlerAreCountedAndCloseReleasesHeldFrames() {
    FaultInjectingNetif f = FaultInjectingNetif.builder(a, loop).seed(SEED).reorder(1.0, Duration.ofSeconds(1)).build();
    b.write(frame(b, f, 1, 60));
    loop.runUntilIdle();
    ByteBuf out = frame(f, b, 2, 60);
    f.write(out);
    assertEquals(2, f.heldFrames());
    loop.advance(Duration.ofSeconds(1));
    assertEquals(1, f.stats().rxDropped(), "no handler: counted drop");
    f.write(frame(f, b, 3, 60));
    f.close();
    f.close();
    assertEquals(0, f.heldFrames());
    assertTrue(a.isClosed(), "closing the wrapper closes the inner interface");
    ByteBuf late = frame(f, b, 4, 60);
    assertFalse(f.write(late));
    assertEquals(0, late.refCnt());
  }

  @Test
  void builderRefusesNonsense() {
    FaultInjectingNetif.Builder bld = FaultInjectingNetif.builder(a, loop);
    assertThrows(IllegalArgumentException.class, () -> bld.drop(1.5));
    assertThrows(IllegalArgumentException.class, () -> bld.corrupt(-0.1));
    assertThrows(IllegalArgumentException.class, () -> bld.duplicate(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> bld.reorder(0.1, Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> bld.rateLimit(0));
    assertThrows(IllegalArgumentException.class, () -> bld.mtu(-1));
  }
}
