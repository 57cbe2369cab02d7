package io.morgana.testkit;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory learning Ethernet switch (IEEE 802.1D transparent bridging, without spanning tree
 * or ageing) whose ports are {@link Netif}s: connect two or more stacks in one JVM.
 *
 * <ul>
 *   <li>A frame written to a port is queued and delivered on the {@link EventLoop} the switch was
 *       built with, at the loop's next turn (on a {@link io.morgana.runtime.DeterministicLoop}: at
 *       the next {@code runUntilIdle}), in the order the frames were written.
 *   <li>The switch learns the source address of every frame it forwards. A frame to a learnt
 *       unicast address goes to that port only; a frame to an unknown unicast, multicast or
 *       broadcast address is flooded to every other port. Never back to the port it came from.
 *   <li>{@link Netif#write} takes ownership of the frame: the switch releases it after delivery or
 *       when it drops it. Each receiving port gets its own copy (the last receiver gets the
 *       original buffer), which the handler borrows.
 *   <li>A frame shorter than 14 bytes or longer than the writing port's {@code mtu() + 14} is
 *       refused by {@code write} ({@code txDropped}); a frame longer than a receiving port's
 *       {@code mtu() + 14} is dropped at that port ({@code rxDropped} and {@link
 *       Port#rxTooLong()}); a frame arriving at a port without handler is dropped ({@code
 *       rxDropped}).
 *   <li>Closing a port detaches it: it forgets its addresses, receives nothing more, and its
 *       writes are refused.
 * </ul>
 *
 * <p>Ports' MAC addresses, when not given, are random locally administered unicast addresses from
 * a generator seeded at construction (same seed, same addresses). <b>Threads:</b> {@code write}
 * may be called from any thread (it wakes the loop); delivery happens on the loop thread.
 */
public final class EthernetSwitch implements AutoCloseable {

  /** Default MTU of a new port, classic Ethernet. */
  public static final int DEFAULT_MTU = 1500;

  /** Seed of the MAC address generator when none is given. */
  public static final long DEFAULT_SEED = 0x5eed_0f_5a_17c4L;

  /** Frames queued and not yet delivered beyond which writes are refused. */
  public static final int MAX_QUEUED_FRAMES = 65_536;

  private static final int HEADER = 14;
  private static final Logger LOG = LoggerFactory.getLogger(EthernetSwitch.class);

  private final EventLoop loop;
  private final RandomGenerator macs;
  private final EventLoop.Cancellable registration;
  private final Object lock = new Object();
  private final List<Port> ports = new ArrayList<>();
  private Port[] portArray = new Port[0]; // copy of ports, replaced on change (guarded by lock)
  private final MacTable table = new MacTable(1024);

  // Guarded by lock: frames and their ingress port, alternating (frame, port, frame, port...).
  private ArrayDeque<Object> pending = new ArrayDeque<>();
  private ArrayDeque<Object> draining = new ArrayDeque<>();
  private boolean closed;
  private volatile long forwarded;
  private volatile long flooded;

  /** A switch delivering on {@code loop}, with MAC addresses from {@link #DEFAULT_SEED}. */
  public EthernetSwitch(EventLoop loop) {
    this(loop, DEFAULT_SEED);
  }

  /** A switch delivering on {@code loop}, with MAC addresses generated from {@code seed}. */
  public EthernetSwitch(EventLoop loop, long seed) {
    this.loop = loop;
    this.macs = new SplittableRandom(seed);
    this.registration = loop.register(new Delivery());
  }

  /** A new port with a random locally administered address and MTU {@value #DEFAULT_MTU}. */
  public Port newPort() {
    MacAddress mac;
    synchronized (lock) {
      mac = MacAddress.randomLocal(macs);
    }
    return newPort(mac, DEFAULT_MTU);
  }

  /** A new port reporting {@code mac} as its address and accepting payloads up to {@code mtu}. */
  public Port newPort(MacAddress mac, int mtu) {
    if (mtu < 0) {
      throw new IllegalArgumentException("mtu must be >= 0, got " + mtu);
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("switch is closed");
      }
      Port port = new Port(mac, mtu, ports.size());
      ports.add(port);
      portArray = ports.toArray(Port[]::new);
      return port;
    }
  }

  /** The ports that are attached (not closed), in creation order. */
  public List<Port> ports() {
    synchronized (lock) {
      return List.copyOf(ports);
    }
  }

  /** Frames delivered to a single learnt port since creation. */
  public long forwardedFrames() {
    return forwarded;
  }

  /** Frames flooded (unknown destination, multicast or broadcast) since creation. */
  public long floodedFrames() {
    return flooded;
  }

  /** Frames queued and not delivered yet. */
  public int queuedFrames() {
    synchronized (lock) {
      return pending.size() / 2;
    }
  }

  /** Closes every port, releases queued frames and leaves the loop. Idempotent. */
  @Override
  public void close() {
    List<Port> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = List.copyOf(ports);
    }
    for (Port p : all) {
      p.close();
    }
    registration.cancel();
    synchronized (lock) {
      releaseAll(pending);
    }
  }

  private static void releaseAll(ArrayDeque<Object> queue) {
    Object o;
    while ((o = queue.poll()) != null) {
      if (o instanceof ByteBuf b) {
        b.release();
      }
    }
  }

  private boolean enqueue(Port from, ByteBuf frame) {
    boolean wasEmpty;
    synchronized (lock) {
      if (closed || from.closed || pending.size() >= 2 * MAX_QUEUED_FRAMES) {
        return false;
      }
      wasEmpty = pending.isEmpty();
      pending.add(frame);
      pending.add(from);
    }
    if (wasEmpty) {
      loop.wakeup();
    }
    return true;
  }

  /** Delivers everything queued at the start of a turn; frames written meanwhile wait a turn. */
  private final class Delivery implements Pollable {
    @Override
    public boolean poll(long nowNanos) {
      ArrayDeque<Object> batch;
      synchronized (lock) {
        if (pending.isEmpty()) {
          return false;
        }
        batch = pending;
        pending = draining;
        draining = batch;
      }
      Object o;
      while ((o = batch.poll()) != null) {
        ByteBuf frame = (ByteBuf) o;
        Port from = (Port) batch.poll();
        deliver(from, frame, nowNanos);
      }
      return true;
    }

    @Override
    public long nextDeadlineNanos() {
      return NO_DEADLINE;
    }
  }

  private void deliver(Port from, ByteBuf frame, long nowNanos) {
    int start = frame.readerIndex();
    long dst = mac48(frame, start);
    long src = mac48(frame, start + 6);
    Port target = null;
    Port[] receivers;
    synchronized (lock) {
      if ((src & 0x0100_0000_0000L) == 0 && !from.closed) {
        table.put(src, from);
      }
      if ((dst & 0x0100_0000_0000L) == 0) {
        target = table.get(dst);
      }
      receivers = portArray;
    }
    try {
      if (target != null) {
        if (target != from) {
          forwarded++;
          ByteBuf f = frame;
          frame = null;
          target.receive(f, true, nowNanos);
        }
        return;
      }
      flooded++;
      int last = -1;
      for (int i = 0; i < receivers.length; i++) {
        if (receivers[i] != from) {
          last = i;
        }
      }
      for (int i = 0; i <= last; i++) {
        Port p = receivers[i];
        if (p == from) {
          continue;
        }
        if (i == last) {
          ByteBuf f = frame;
          frame = null;
          p.receive(f, true, nowNanos);
        } else {
          p.receive(frame, false, nowNanos);
        }
      }
    } finally {
      if (frame != null) {
        frame.release();
      }
    }
  }

  private static long mac48(ByteBuf frame, int index) {
    return ((long) frame.getUnsignedShort(index) << 32) | frame.getUnsignedInt(index + 2);
  }

  /**
   * One port of the switch. A {@link Netif}; besides its {@link #stats()}, it counts the frames it
   * dropped for exceeding its MTU.
   */
  public final class Port implements Netif {
    private final MacAddress mac;
    private final int mtu;
    private final int index;
    private volatile FrameHandler handler;
    private volatile boolean closed;
    // tx counters: written under lock; rx counters: written on the loop thread only.
    private volatile long txFrames;
    private volatile long txBytes;
    private volatile long txDropped;
    private volatile long rxFrames;
    private volatile long rxBytes;
    private volatile long rxDropped;
    private volatile long rxTooLong;

    private Port(MacAddress mac, int mtu, int index) {
      this.mac = mac;
      this.mtu = mtu;
      this.index = index;
    }

    @Override
    public MacAddress mac() {
      return mac;
    }

    @Override
    public int mtu() {
      return mtu;
    }

    @Override
    public Offloads offloads() {
      return Offloads.NONE;
    }

    @Override
    public NetifStats stats() {
      return new NetifStats(rxFrames, rxBytes, rxDropped, txFrames, txBytes, txDropped);
    }

    /** Frames dropped at this port because they exceeded its MTU (also in {@code rxDropped}). */
    public long rxTooLong() {
      return rxTooLong;
    }

    /** Whether {@link #close()} was called (or the switch was closed). */
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void listen(FrameHandler handler) {
      this.handler = handler;
    }

    @Override
    public boolean write(ByteBuf frame) {
      int len = frame.readableBytes();
      if (len < HEADER || len > mtu + HEADER || !enqueue(this, frame)) {
        frame.release();
        synchronized (lock) {
          txDropped++;
        }
        return false;
      }
      synchronized (lock) {
        txFrames++;
        txBytes += len;
      }
      return true;
    }

    /** Hands a frame to the handler; releases it if {@code owned}, else copies it first. */
    private void receive(ByteBuf frame, boolean owned, long nowNanos) {
      FrameHandler h = handler;
      int len = frame.readableBytes();
      if (closed || h == null || len > mtu + HEADER) {
        if (!closed && len > mtu + HEADER) {
          rxTooLong++;
        }
        if (!closed) {
          rxDropped++;
        }
        if (owned) {
          frame.release();
        }
        return;
      }
      ByteBuf mine = owned ? frame : frame.copy();
      rxFrames++;
      rxBytes += len;
      try {
        h.onFrame(mine, nowNanos, 0);
      } catch (RuntimeException e) {
        LOG.warn("frame handler of {} threw; frame dropped", this, e);
      } finally {
        mine.release();
      }
    }

    /** Detaches this port from the switch. Idempotent. */
    @Override
    public void close() {
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true;
        ports.remove(this);
        portArray = ports.toArray(Port[]::new);
        table.removeValue(this);
      }
      handler = null;
    }

    @Override
    public String toString() {
      return "EthernetSwitch.Port[" + index + ", " + mac + ", mtu " + mtu + "]";
    }
  }

  /** MAC address to port, open addressing with linear probing; forgets everything when full. */
  private static final class MacTable {
    private final long[] keys;
    private final Port[] values;
    private int size;

    MacTable(int capacity) {
      keys = new long[capacity];
      values = new Port[capacity];
    }

    private int slot(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h >>> 40) & (keys.length - 1);
    }

    Port get(long key) {
      for (int i = slot(key), n = 0; n < keys.length; i = (i + 1) & (keys.length - 1), n++) {
        if (values[i] == null) {
          return null;
        }
        if (keys[i] == key) {
          return values[i];
        }
      }
      return null;
    }

    void put(long key, Port port) {
      if (size * 2 >= keys.length) {
        java.util.Arrays.fill(values, null);
        size = 0;
      }
      int i = slot(key);
      while (values[i] != null) {
        if (keys[i] == key) {
          values[i] = port;
          return;
        }
        i = (i + 1) & (keys.length - 1);
      }
      keys[i] = key;
      values[i] = port;
      size++;
    }

    void removeValue(Port port) {
      // Rebuild without the port's entries (keeps probe chains intact).
      long[] k = keys.clone();
      Port[] v = values.clone();
      java.util.Arrays.fill(values, null);
      size = 0;
      for (int i = 0; i < k.length; i++) {
        if (v[i] != null && v[i] != port) {
          put(k[i], v[i]);
        }
      }
    }
  }
}
