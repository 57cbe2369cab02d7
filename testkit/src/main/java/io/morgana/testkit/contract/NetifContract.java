package io.morgana.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Netif} must do, as inherited tests. Subclass it and implement {@link
 * #connect()}: the interface under test ({@link Link#local()}) connected to a peer ({@link
 * Link#peer()}) that receives what it sends and sends what it receives — another port of the same
 * switch, the Linux side of a TAP device (through a second TAP, a bridge or a packet socket), a
 * Java netback. Frames are exchanged with EtherType {@value #ETHERTYPE} (IEEE 802 local
 * experimental) and a magic number, so other traffic on a real link (IPv6 router solicitations)
 * is ignored; receive counters are checked as lower bounds for the same reason.
 *
 * <p>Checked: frames of every size up to {@code mtu() + 14} arrive intact and in order, both ways;
 * longer (or shorter than 14 bytes) frames are refused by {@code write}, released and counted in
 * {@code txDropped}; stats count frames and bytes; frames arriving with no handler are dropped and
 * counted; {@code listen} replaces the handler; a handler may retain a frame, which stays intact
 * while later frames arrive; every written frame is released; {@code close} is idempotent and
 * ends delivery, and writes after it are released and refused.
 *
 * <p>Each test opens its own {@link Link} and closes it; {@link Link#driver()} runs the loop
 * (deterministic or threaded, see {@link LoopDriver}). {@code listen} and {@code write} are
 * called on the loop thread.
 */
public abstract class NetifContract {

  /** EtherType of the contract's frames: IEEE Std 802 local experimental EtherType 1. */
  public static final int ETHERTYPE = 0x88b5;

  /** First four payload bytes of the contract's frames ("MGNA"). */
  public static final int MAGIC = 0x4d474e41;

  private static final int HEADER = 14;

  /**
   * The interface under test, connected to a peer.
   *
   * @param local the interface under test
   * @param peer what sees {@code local}'s frames and sends it frames; must accept frames up to
   *     {@code local.mtu() + 14} bytes
   * @param driver runs the loop both are attached to
   * @param resources closed after {@code local} and {@code peer} (the switch, a namespace, a
   *     simulated hypervisor); may be {@code null}
   */
  public record Link(Netif local, Netif peer, LoopDriver driver, AutoCloseable resources)
      implements AutoCloseable {
    /** Closes both interfaces on the loop, then the resources. */
    @Override
    public void close() {
      try {
        driver.run(() -> {
          local.close();
          peer.close();
        });
      } finally {
        if (resources != null) {
          try {
            resources.close();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("closing the link's resources failed", e);
          }
        }
      }
    }
  }

  /** A fresh interface under test and its peer; neither has a handler yet. */
  protected abstract Link connect() throws Exception;

  /** How long to wait for a frame (virtual time on a deterministic loop). */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /** How long to watch for frames that must not arrive. */
  protected Duration quietPeriod() {
    return Duration.ofMillis(200);
  }

  /** Seed of the frame contents and sizes; printed in failure messages. */
  protected long seed() {
    return 0x6e657469_66L;
  }

  /**
   * Allocators of the frames the contract writes; it alternates between direct and heap memory.
   * Unpooled on purpose: the contract checks that every frame it wrote was released by looking
   * at its reference count afterwards, and Netty recycles the objects of released pooled buffers
   * (on a kernel loop's FastThreadLocalThread), so a released pooled frame can come back alive
   * as another buffer and look unreleased.
   */
  private static final ByteBufAllocator[] ALLOCATORS = {
    UnpooledByteBufAllocator.DEFAULT, new UnpooledByteBufAllocator(false)
  };

  // ---------------------------------------------------------------------------------------------

  @Test
  public void framesArriveIntactAndInOrderBothWays() throws Exception {
    try (Link link = connect()) {
      Capture atPeer = new Capture();
      Capture atLocal = new Capture();
      Frames frames = new Frames(seed());
      link.driver().run(() -> {
        link.peer().listen(atPeer);
        link.local().listen(atLocal);
      });
      int mtu = Math.min(link.local().mtu(), link.peer().mtu());
      List<byte[]> toPeer = new ArrayList<>();
      List<byte[]> toLocal = new ArrayList<>();
      int[] sizes = sizes(mtu, frames.random);
      link.driver().run(() -> {
        for (int i = 0; i < sizes.length; i++) {
          ByteBuf a = frames.make(link.peer().mac(), link.local().mac(), sizes[i], i);
          toPeer.add(ByteBufUtil.getBytes(a));
          assertTrue(link.local().write(a), "local refused frame " + i + " of " + sizes[i] + " bytes");
          ByteBuf b = frames.make(link.local().mac(), link.peer().mac(), sizes[sizes.length - 1 - i], i);
          toLocal.add(ByteBufUtil.getBytes(b));
          assertTrue(link.peer().write(b), "peer refused frame " + i);
        }
      });
      awaitCount(link, atPeer, toPeer.size(), "frames local -> peer");
      awaitCount(link, atLocal, toLocal.size(), "frames peer -> local");
      assertSameFrames(toPeer, atPeer.frames(), "local -> peer");
      assertSameFrames(toLocal, atLocal.frames(), "peer -> local");
      assertNull(atPeer.clockViolation(), "frames must carry the loop's arrival time, never going back");
      assertNull(atLocal.clockViolation(), "frames must carry the loop's arrival time, never going back");
      awaitReleased(link, frames);
    }
  }

  @Test
  public void largestFrameArrivesAndLongerOrRuntFramesAreRefusedReleasedAndCounted() throws Exception {
    try (Link link = connect()) {
      Capture atPeer = new Capture();
      Frames frames = new Frames(seed());
      link.driver().run(() -> link.peer().listen(atPeer));
      int mtu = link.local().mtu();
      assertTrue(link.peer().mtu() >= mtu, "the fixture's peer must accept local's largest frame");
      NetifStats before = stats(link);
      ByteBuf tooLong = frames.make(link.peer().mac(), link.local().mac(), mtu + HEADER + 1, 1);
      ByteBuf runt = frames.runt(13);
      boolean[] results = new boolean[3];
      link.driver().run(() -> {
        results[0] = link.local().write(frames.make(link.peer().mac(), link.local().mac(), mtu + HEADER, 0));
        results[1] = link.local().write(tooLong);
        results[2] = link.local().write(runt);
        link.local().write(frames.make(link.peer().mac(), link.local().mac(), 64, 2));
      });
      assertTrue(results[0], "a frame of mtu() + 14 = " + (mtu + HEADER) + " bytes must be accepted");
      assertFalse(results[1], "a frame of mtu() + 15 = " + (mtu + HEADER + 1) + " bytes must be refused");
      assertFalse(results[2], "a frame of 13 bytes must be refused");
      assertEquals(0, tooLong.refCnt(), "a refused frame is released by write");
      assertEquals(0, runt.refCnt(), "a refused frame is released by write");
      awaitCount(link, atPeer, 2, "largest frame and the frame after the refused ones");
      List<byte[]> got = atPeer.frames();
      assertEquals(mtu + HEADER, got.get(0).length);
      assertEquals(2, sequence(got.get(1)), "the refused frame must not have been sent");
      NetifStats after = stats(link);
      assertEquals(2, after.txDropped() - before.txDropped(), "txDropped counts the two refused frames");
      assertEquals(2, after.txFrames() - before.txFrames(), "txFrames counts the two sent frames");
      awaitReleased(link, frames);
    }
  }

  @Test
  public void statsCountFramesAndBytesBothWays() throws Exception {
    try (Link link = connect()) {
      Capture atPeer = new Capture();
      Capture atLocal = new Capture();
      Frames frames = new Frames(seed());
      link.driver().run(() -> {
        link.peer().listen(atPeer);
        link.local().listen(atLocal);
      });
      NetifStats before = stats(link);
      int n = 25;
      long[] bytes = new long[2];
      link.driver().run(() -> {
        for (int i = 0; i < n; i++) {
          int size = 60 + frames.random.nextInt(400);
          bytes[0] += size;
          link.local().write(frames.make(link.peer().mac(), link.local().mac(), size, i));
          int back = 60 + frames.random.nextInt(400);
          bytes[1] += back;
          link.peer().write(frames.make(link.local().mac(), link.peer().mac(), back, i));
        }
      });
      awaitCount(link, atPeer, n, "frames local -> peer");
      awaitCount(link, atLocal, n, "frames peer -> local");
      NetifStats after = stats(link);
      assertEquals(n, after.txFrames() - before.txFrames(), "txFrames");
      assertEquals(bytes[0], after.txBytes() - before.txBytes(), "txBytes");
      assertEquals(0, after.txDropped() - before.txDropped(), "txDropped");
      assertTrue(after.rxFrames() - before.rxFrames() >= n, "rxFrames counts at least the " + n + " frames received");
      assertTrue(after.rxBytes() - before.rxBytes() >= bytes[1], "rxBytes counts at least the bytes received");
      awaitReleased(link, frames);
    }
  }

  @Test
  public void framesArrivingWithoutHandlerAreDroppedAndCounted() throws Exception {
    try (Link link = connect()) {
      Frames frames = new Frames(seed());
      long before = stats(link).rxDropped();
      link.driver().run(() -> {
        for (int i = 0; i < 3; i++) {
          link.peer().write(frames.make(link.local().mac(), link.peer().mac(), 100, i));
        }
      });
      assertTrue(
          link.driver().runUntil(() -> link.local().stats().rxDropped() - before >= 3, timeout()),
          "three frames arrived with no handler set: rxDropped must count them; rxDropped went from "
              + before + " to " + link.local().stats().rxDropped());
      Capture atLocal = new Capture();
      link.driver().run(() -> link.local().listen(atLocal));
      link.driver().run(() -> link.peer().write(frames.make(link.local().mac(), link.peer().mac(), 100, 7)));
      awaitCount(link, atLocal, 1, "frame after listen");
      link.driver().settle(quietPeriod());
      assertEquals(List.of(7), atLocal.sequences(), "dropped frames must not be delivered later");
      awaitReleased(link, frames);
    }
  }

  @Test
  public void listenReplacesTheHandler() throws Exception {
    try (Link link = connect()) {
      Frames frames = new Frames(seed());
      Capture first = new Capture();
      Capture second = new Capture();
      link.driver().run(() -> link.local().listen(first));
      link.driver().run(() -> link.peer().write(frames.make(link.local().mac(), link.peer().mac(), 80, 1)));
      awaitCount(link, first, 1, "frame to the first handler");
      link.driver().run(() -> link.local().listen(second));
      link.driver().run(() -> {
        link.peer().write(frames.make(link.local().mac(), link.peer().mac(), 80, 2));
        link.peer().write(frames.make(link.local().mac(), link.peer().mac(), 80, 3));
      });
      awaitCount(link, second, 2, "frames to the second handler");
      assertEquals(List.of(1), first.sequences(), "the replaced handler must receive nothing more");
      assertEquals(List.of(2, 3), second.sequences());
      awaitReleased(link, frames);
    }
  }

  @Test
  public void aRetainedFrameStaysIntactWhileLaterFramesArrive() throws Exception {
    try (Link link = connect()) {
      Frames frames = new Frames(seed());
      List<ByteBuf> kept = Collections.synchronizedList(new ArrayList<>());
      Capture all = new Capture();
      link.driver().run(() -> link.local().listen((f, at, flags) -> {
        all.onFrame(f, at, flags);
        if (isOurs(f) && kept.isEmpty()) {
          kept.add(f.retain());
        }
      }));
      List<byte[]> sent = new ArrayList<>();
      link.driver().run(() -> {
        for (int i = 0; i < 20; i++) {
          ByteBuf b = frames.make(link.local().mac(), link.peer().mac(), 200 + i, i);
          sent.add(ByteBufUtil.getBytes(b));
          link.peer().write(b);
        }
      });
      awaitCount(link, all, 20, "frames peer -> local");
      assertEquals(1, kept.size());
      ByteBuf first = kept.get(0);
      try {
        assertArrayEquals(sent.get(0), ByteBufUtil.getBytes(first),
            "a frame the handler retained was changed by later frames (buffer reused while retained)");
      } finally {
        link.driver().run(first::release);
      }
      awaitReleased(link, frames);
    }
  }

  @Test
  public void closeIsIdempotentEndsDeliveryAndRefusesWrites() throws Exception {
    try (Link link = connect()) {
      Frames frames = new Frames(seed());
      Capture atLocal = new Capture();
      link.driver().run(() -> link.local().listen(atLocal));
      link.driver().run(() -> {
        link.local().close();
        link.local().close();
      });
      ByteBuf late = frames.make(link.peer().mac(), link.local().mac(), 100, 1);
      boolean[] accepted = new boolean[1];
      link.driver().run(() -> {
        try {
          accepted[0] = link.local().write(late);
        } catch (IllegalStateException refused) {
          accepted[0] = false;
        }
        link.peer().write(frames.make(link.local().mac(), link.peer().mac(), 100, 2));
      });
      assertFalse(accepted[0], "write after close must return false (or throw IllegalStateException)");
      assertEquals(0, late.refCnt(), "write after close must release the frame");
      link.driver().settle(quietPeriod());
      assertEquals(List.of(), atLocal.sequences(), "a closed interface must deliver nothing");
      awaitReleased(link, frames);
    }
  }

  @Test
  public void accessorsDescribeTheInterface() throws Exception {
    try (Link link = connect()) {
      Netif n = link.local();
      MacAddress mac = n.mac();
      assertNotNull(mac);
      assertFalse(mac.isMulticast(), "an interface's own address is unicast: " + mac);
      assertEquals(mac, n.mac(), "mac() is stable");
      assertTrue(n.mtu() >= 68, "mtu() of at least the IPv4 minimum (RFC 791): " + n.mtu());
      assertNotNull(n.offloads());
      NetifStats s = n.stats();
      assertNotNull(s);
      assertTrue(s.txFrames() >= 0 && s.rxFrames() >= 0 && s.rxDropped() >= 0 && s.txDropped() >= 0);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static int[] sizes(int mtu, SplittableRandom random) {
    int max = mtu + HEADER;
    List<Integer> list = new ArrayList<>(List.of(60, 61, 64, 100, 128, 512, 1000, max - 1, max));
    for (int i = 0; i < 40; i++) {
      list.add(60 + random.nextInt(max - 60 + 1));
    }
    return list.stream().mapToInt(Integer::intValue).filter(s -> s >= 60 && s <= max).toArray();
  }

  private NetifStats stats(Link link) {
    try {
      return link.driver().call(() -> link.local().stats());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitCount(Link link, Capture capture, int count, String what) {
    if (!link.driver().runUntil(() -> capture.count() >= count, timeout())) {
      fail("expected " + count + " " + what + " within " + timeout() + ", got " + capture.count()
          + " (seed " + seed() + ")");
    }
  }

  private void awaitReleased(Link link, Frames frames) {
    if (!link.driver().runUntil(frames::allReleased, timeout())) {
      fail("frames given to write() were not released: " + frames.unreleased()
          + " of " + frames.written.size() + " (seed " + seed() + ")");
    }
  }

  private void assertSameFrames(List<byte[]> sent, List<byte[]> got, String direction) {
    assertEquals(sent.size(), got.size(), direction + ": frame count (seed " + seed() + ")");
    for (int i = 0; i < sent.size(); i++) {
      if (sequence(got.get(i)) != sequence(sent.get(i))) {
        fail(direction + ": frame " + i + " arrived out of order: got sequence " + sequence(got.get(i))
            + " (seed " + seed() + ")");
      }
      assertArrayEquals(sent.get(i), got.get(i),
          direction + ": frame " + i + " of " + sent.get(i).length + " bytes changed (seed " + seed() + ")");
    }
  }

  static boolean isOurs(ByteBuf f) {
    int r = f.readerIndex();
    return f.readableBytes() >= HEADER + 8
        && f.getUnsignedShort(r + 12) == ETHERTYPE
        && f.getInt(r + HEADER) == MAGIC;
  }

  static int sequence(byte[] frame) {
    return ((frame[HEADER + 4] & 0xff) << 24) | ((frame[HEADER + 5] & 0xff) << 16)
        | ((frame[HEADER + 6] & 0xff) << 8) | (frame[HEADER + 7] & 0xff);
  }

  /** Copies of the contract's frames a handler received, in order (other traffic ignored). */
  static final class Capture implements Netif.FrameHandler {
    private final List<byte[]> frames = Collections.synchronizedList(new ArrayList<>());

    private long lastArrival = Long.MIN_VALUE;
    private volatile String clockViolation;

    @Override
    public void onFrame(ByteBuf frame, long arrivalNanos, int flags) {
      if (arrivalNanos < lastArrival) {
        clockViolation = "arrival time went backwards: " + arrivalNanos + " after " + lastArrival;
      }
      lastArrival = arrivalNanos;
      if (isOurs(frame)) {
        frames.add(ByteBufUtil.getBytes(frame));
      }
    }

    /** Why the frames' arrival times broke the contract, or null. */
    String clockViolation() {
      return clockViolation;
    }

    int count() {
      return frames.size();
    }

    List<byte[]> frames() {
      synchronized (frames) {
        return new ArrayList<>(frames);
      }
    }

    List<Integer> sequences() {
      return frames().stream().map(NetifContract::sequence).toList();
    }
  }

  /** Makes the contract's frames and remembers them, to check they are all released. */
  static final class Frames {
    final SplittableRandom random;
    final List<ByteBuf> written = Collections.synchronizedList(new ArrayList<>());
    private int allocations;

    Frames(long seed) {
      this.random = new SplittableRandom(seed);
    }

    ByteBuf make(MacAddress dst, MacAddress src, int size, int sequence) {
      // Built in an array and copied once: the leak detector at paranoid records every access.
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      ByteBufAllocator allocator = ALLOCATORS[allocations % ALLOCATORS.length];
      ByteBuf b = allocations++ % 4 < 2 ? allocator.directBuffer(size) : allocator.heapBuffer(size);
      b.writeBytes(bytes);
      dst.writeTo(b, 0);
      src.writeTo(b, 6);
      b.setShort(12, ETHERTYPE);
      if (size >= HEADER + 8) {
        b.setInt(HEADER, MAGIC);
        b.setInt(HEADER + 4, sequence);
      }
      written.add(b);
      return b;
    }

    ByteBuf runt(int size) {
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(size).writeZero(size);
      written.add(b);
      return b;
    }

    boolean allReleased() {
      return unreleased() == 0;
    }

    long unreleased() {
      synchronized (written) {
        return written.stream().filter(b -> b.refCnt() != 0).count();
      }
    }
  }
}
