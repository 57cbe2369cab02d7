package io.morgana.testkit;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Netif} wrapper that damages traffic the way a bad link does, reproducibly: smoltcp's
 * {@code phy/fault_injector.rs} and mirage-tcpip's lossy {@code vnetif} backends, for Morgana.
 *
 * <pre>{@code
 * Netif lossy = FaultInjectingNetif.builder(port, loop)
 *     .seed(42).drop(0.05).duplicate(0.01).reorder(0.02, Duration.ofMillis(30))
 *     .corrupt(0.01).truncate(0.01).mtu(1280).rateLimit(1_000_000).build();
 * }</pre>
 *
 * <p>For each frame, in the {@linkplain Builder#direction configured directions} (both by
 * default), in this order:
 *
 * <ol>
 *   <li><b>MTU</b> ({@link Builder#mtu}): a frame longer than {@code mtu() + 14} is refused by
 *       {@code write} ({@code false}, {@code txDropped}) or dropped on receive. The limit holds in
 *       both directions whatever the direction setting, since {@link #mtu()} reports it.
 *   <li><b>Rate limit</b> ({@link Builder#rateLimit}): a token bucket of bytes, refilled at the
 *       given rate from the loop's clock; a frame larger than the tokens left is lost.
 *   <li><b>Drop</b>: the frame is lost.
 *   <li><b>Corrupt</b>: one random bit after the 14-byte Ethernet header is flipped (in a copy: the
 *       caller's buffer is never modified).
 *   <li><b>Truncate</b>: the frame is cut to a random length from 14 bytes to one byte short.
 *   <li><b>Duplicate</b>: the frame is delivered twice (the second time as a copy).
 *   <li><b>Reorder</b>: the frame is held back for the given delay and released by the loop at its
 *       deadline, so frames written after it overtake it.
 * </ol>
 *
 * <p>Losses (rate limit, drop) look like a lossy wire: {@code write} still returns {@code true}.
 * Each probability is drawn from one {@link SplittableRandom} seeded by {@link Builder#seed} (only
 * for faults whose probability is above 0), so the same seed and the same traffic give the same
 * faults. {@link #faults()} counts what was applied. {@link #stats()} counts what passed the
 * wrapper: frames handed to the handler and accepted by the inner interface, plus the inner
 * interface's drops.
 *
 * <p><b>Threads:</b> like every Netif, {@code write} and {@code listen} on the loop thread; held
 * frames are released by a {@link Pollable} registered on the loop. The wrapper installs its own
 * handler on the inner interface when built, and closes the inner interface when closed.
 */
public final class FaultInjectingNetif implements Netif {

  private static final Logger LOG = LoggerFactory.getLogger(FaultInjectingNetif.class);
  private static final int HEADER = 14;
  private static final Offloads RX_CHECKSUM_ONLY = new Offloads(true, false, 0);

  /** Which frames the faults apply to. */
  public enum Direction {
    /** Frames received from the inner interface. */
    RX,
    /** Frames written to the wrapper. */
    TX,
    /** Both. */
    BOTH;

    boolean rx() {
      return this != TX;
    }

    boolean tx() {
      return this != RX;
    }
  }

  /**
   * How many times each fault was applied, both directions together.
   *
   * @param dropped frames lost by {@link Builder#drop}
   * @param duplicated frames delivered twice
   * @param reordered frames held back
   * @param corrupted frames with a bit flipped
   * @param truncated frames cut short
   * @param tooLong frames over the {@link Builder#mtu} limit
   * @param rateLimited frames lost to the rate limit
   */
  public record Faults(
      long dropped, long duplicated, long reordered, long corrupted, long truncated, long tooLong, long rateLimited) {}

  private final Netif inner;
  private final EventLoop loop;
  private final RandomGenerator random;
  private final Direction direction;
  private final double dropP;
  private final double duplicateP;
  private final double reorderP;
  private final long reorderDelayNanos;
  private final double corruptP;
  private final double truncateP;
  private final int mtuLimit;
  private final long bytesPerSecond;
  private final long burstBytes;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private final EventLoop.Cancellable registration;

  private volatile FrameHandler handler;
  private volatile boolean closed;
  private double tokens;
  private long tokensAt;

  private volatile long rxFrames;
  private volatile long rxBytes;
  private volatile long rxDropped;
  private volatile long txFrames;
  private volatile long txBytes;
  private volatile long txDropped;
  private volatile long dropped;
  private volatile long duplicated;
  private volatile long reordered;
  private volatile long corrupted;
  private volatile long truncated;
  private volatile long tooLong;
  private volatile long rateLimited;

  private record Held(ByteBuf frame, long deadline, boolean rx) {}

  private FaultInjectingNetif(Builder b) {
    this.inner = b.inner;
    this.loop = b.loop;
    this.random = new SplittableRandom(b.seed);
    this.direction = b.direction;
    this.dropP = b.drop;
    this.duplicateP = b.duplicate;
    this.reorderP = b.reorder;
    this.reorderDelayNanos = b.reorderDelay.toNanos();
    this.corruptP = b.corrupt;
    this.truncateP = b.truncate;
    this.mtuLimit = b.mtu;
    this.bytesPerSecond = b.bytesPerSecond;
    this.burstBytes = b.burstBytes > 0 ? b.burstBytes : Math.max(inner.mtu() + HEADER, b.bytesPerSecond / 100);
    this.tokens = burstBytes;
    this.tokensAt = loop.nowNanos();
    this.registration = loop.register(new Releaser());
    inner.listen(this::onInnerFrame);
  }

  /** A builder of a wrapper around {@code inner}, releasing held frames on {@code loop}. */
  public static Builder builder(Netif inner, EventLoop loop) {
    return new Builder(inner, loop);
  }

  /** The wrapped interface. */
  public Netif inner() {
    return inner;
  }

  /** What was applied so far. Any thread. */
  public Faults faults() {
    return new Faults(dropped, duplicated, reordered, corrupted, truncated, tooLong, rateLimited);
  }

  /** Frames held back by reordering and not released yet. */
  public int heldFrames() {
    return held.size();
  }

  @Override
  public MacAddress mac() {
    return inner.mac();
  }

  @Override
  public int mtu() {
    return Math.min(inner.mtu(), mtuLimit);
  }

  /**
   * The inner interface's receive checksum verification unless frames may be corrupted, and no
   * transmit offload: faults act on whole frames as the wire carries them, so this interface
   * sends only complete, MTU-sized frames ({@link #write(ByteBuf, int, int)} is {@link Netif}'s
   * default, which refuses a partial checksum).
   */
  @Override
  public Offloads offloads() {
    Offloads o = inner.offloads();
    boolean rxVerified = o.rxChecksumVerified() && !(corruptP > 0 && direction.rx());
    return rxVerified ? RX_CHECKSUM_ONLY : Offloads.NONE;
  }

  @Override
  public NetifStats stats() {
    NetifStats in = inner.stats();
    return new NetifStats(rxFrames, rxBytes, rxDropped + in.rxDropped(), txFrames, txBytes, txDropped + in.txDropped());
  }

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public boolean write(ByteBuf frame) {
    int len = frame.readableBytes();
    if (closed || len < HEADER || len > mtu() + HEADER) {
      if (!closed && len > mtuLimit + HEADER) {
        tooLong++;
      }
      frame.release();
      txDropped++;
      return false;
    }
    if (!direction.tx()) {
      send(frame);
      return true;
    }
    if (lostOnTheWire(len)) {
      frame.release();
      return true;
    }
    if (draw(corruptP)) {
      ByteBuf copy = frame.copy();
      frame.release();
      frame = copy;
      corrupt(frame);
    }
    if (draw(truncateP)) {
      truncate(frame);
    }
    if (draw(duplicateP)) {
      duplicated++;
      send(frame.copy());
    }
    if (draw(reorderP)) {
      reordered++;
      held.add(new Held(frame, loop.nowNanos() + reorderDelayNanos, false));
      return true;
    }
    send(frame);
    return true;
  }

  /** Closes the inner interface, releases held frames and leaves the loop. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    handler = null;
    registration.cancel();
    Held h;
    while ((h = held.poll()) != null) {
      h.frame.release();
    }
    inner.close();
  }

  @Override
  public String toString() {
    return "FaultInjectingNetif[" + inner + "]";
  }

  // ---------------------------------------------------------------------------------------------

  private void onInnerFrame(ByteBuf frame, long arrivalNanos, int flags) {
    int len = frame.readableBytes();
    if (closed) {
      return;
    }
    if (len > mtuLimit + HEADER) {
      tooLong++;
      rxDropped++;
      return;
    }
    if (!direction.rx()) {
      deliver(frame, arrivalNanos, flags);
      return;
    }
    if (lostOnTheWire(len)) {
      return;
    }
    ByteBuf f = frame;
    boolean owned = false;
    try {
      if (draw(corruptP)) {
        f = frame.copy();
        owned = true;
        corrupt(f);
        flags &= ~FrameHandler.RX_CHECKSUM_VERIFIED; // a corrupted frame was verified by nobody
      }
      if (draw(truncateP)) {
        if (!owned) {
          f = frame.slice();
        }
        truncate(f);
      }
      if (draw(duplicateP)) {
        duplicated++;
        ByteBuf copy = f.copy();
        try {
          deliver(copy, arrivalNanos, flags);
        } finally {
          copy.release();
        }
      }
      if (draw(reorderP)) {
        reordered++;
        held.add(new Held(owned ? f : f.retainedSlice(), loop.nowNanos() + reorderDelayNanos, true));
        owned = false;
        return;
      }
      deliver(f, arrivalNanos, flags);
    } finally {
      if (owned) {
        f.release();
      }
    }
  }

  private boolean lostOnTheWire(int len) {
    if (bytesPerSecond > 0) {
      long now = loop.nowNanos();
      tokens = Math.min(burstBytes, tokens + (now - tokensAt) * (bytesPerSecond / 1e9));
      tokensAt = now;
      if (tokens < len) {
        rateLimited++;
        return true;
      }
      tokens -= len;
    }
    if (draw(dropP)) {
      dropped++;
      return true;
    }
    return false;
  }

  private boolean draw(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  private void corrupt(ByteBuf f) {
    int len = f.readableBytes();
    if (len <= HEADER) {
      return;
    }
    int index = f.readerIndex() + HEADER + random.nextInt(len - HEADER);
    f.setByte(index, f.getByte(index) ^ (1 << random.nextInt(8)));
    corrupted++;
  }

  private void truncate(ByteBuf f) {
    int len = f.readableBytes();
    if (len <= HEADER) {
      return;
    }
    f.writerIndex(f.readerIndex() + HEADER + random.nextInt(len - HEADER));
    truncated++;
  }

  private void send(ByteBuf f) {
    int len = f.readableBytes();
    if (inner.write(f)) {
      txFrames++;
      txBytes += len;
    }
  }

  private void deliver(ByteBuf f, long arrivalNanos, int flags) {
    FrameHandler h = handler;
    if (h == null) {
      rxDropped++;
      return;
    }
    rxFrames++;
    rxBytes += f.readableBytes();
    try {
      h.onFrame(f, arrivalNanos, flags);
    } catch (RuntimeException e) {
      LOG.warn("frame handler of {} threw; frame dropped", this, e);
    }
  }

  /** Releases held frames at their deadlines. */
  private final class Releaser implements Pollable {
    @Override
    public boolean poll(long nowNanos) {
      boolean worked = false;
      Held h;
      while ((h = held.peek()) != null && h.deadline <= nowNanos) {
        held.poll();
        worked = true;
        if (h.rx) {
          try {
            deliver(h.frame, nowNanos, 0); // delayed: the stack verifies checksums itself
          } finally {
            h.frame.release();
          }
        } else {
          send(h.frame);
        }
      }
      return worked;
    }

    @Override
    public long nextDeadlineNanos() {
      Held h = held.peek();
      return h == null ? NO_DEADLINE : h.deadline;
    }
  }

  /** Chooses the faults; every probability is 0 and every limit off unless set. */
  public static final class Builder {
    private final Netif inner;
    private final EventLoop loop;
    private long seed = 0x5eed;
    private Direction direction = Direction.BOTH;
    private double drop;
    private double duplicate;
    private double reorder;
    private Duration reorderDelay = Duration.ZERO;
    private double corrupt;
    private double truncate;
    private int mtu = Integer.MAX_VALUE - HEADER;
    private long bytesPerSecond;
    private long burstBytes;

    private Builder(Netif inner, EventLoop loop) {
      this.inner = inner;
      this.loop = loop;
    }

    /** Seed of the fault generator (default 0x5eed). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Which frames the probabilistic faults and the rate limit apply to (default both). */
    public Builder direction(Direction direction) {
      this.direction = direction;
      return this;
    }

    /** Loses each frame with probability {@code p}. */
    public Builder drop(double p) {
      this.drop = probability("drop", p);
      return this;
    }

    /** Delivers each frame twice with probability {@code p}. */
    public Builder duplicate(double p) {
      this.duplicate = probability("duplicate", p);
      return this;
    }

    /** Holds each frame back for {@code delay} with probability {@code p}. */
    public Builder reorder(double p, Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("reorder delay must be >= 0, got " + delay);
      }
      this.reorder = probability("reorder", p);
      this.reorderDelay = delay;
      return this;
    }

    /** Flips one random bit after the Ethernet header with probability {@code p}. */
    public Builder corrupt(double p) {
      this.corrupt = probability("corrupt", p);
      return this;
    }

    /** Cuts each frame short with probability {@code p}. */
    public Builder truncate(double p) {
      this.truncate = probability("truncate", p);
      return this;
    }

    /** Limits the Ethernet payload to {@code mtu} bytes (both directions). */
    public Builder mtu(int mtu) {
      if (mtu < 0) {
        throw new IllegalArgumentException("mtu must be >= 0, got " + mtu);
      }
      this.mtu = mtu;
      return this;
    }

    /**
     * Limits throughput to {@code bytesPerSecond} with a bucket of {@code max(mtu + 14,
     * bytesPerSecond / 100)} bytes (10 ms worth).
     */
    public Builder rateLimit(long bytesPerSecond) {
      return rateLimit(bytesPerSecond, 0);
    }

    /** Limits throughput to {@code bytesPerSecond}, allowing bursts of {@code burstBytes}. */
    public Builder rateLimit(long bytesPerSecond, long burstBytes) {
      if (bytesPerSecond <= 0 || burstBytes < 0) {
        throw new IllegalArgumentException("rate must be > 0 and burst >= 0: " + bytesPerSecond + ", " + burstBytes);
      }
      this.bytesPerSecond = bytesPerSecond;
      this.burstBytes = burstBytes;
      return this;
    }

    /** The wrapper; it takes over the inner interface's handler and registers on the loop. */
    public FaultInjectingNetif build() {
      return new FaultInjectingNetif(this);
    }

    private static double probability(String what, double p) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException(what + " probability must be in [0, 1], got " + p);
      }
      return p;
    }
  }
}
