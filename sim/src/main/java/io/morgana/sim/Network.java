package io.morgana.sim;

import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A switched Ethernet segment of a {@link Simulation}: a learning switch (a frame to a learnt
 * unicast address goes to that port, any other is flooded) and one cable per attached kernel
 * with the segment's {@link LinkConditions}, applied to each frame on its way to each receiver.
 * Each cable keeps a {@link PcapRecorder} of what its kernel sent and received.
 *
 * <p><b>Partitions.</b> Every port is in a group (0 at first); a frame reaches only ports of the
 * sender's group, checked when it is sent and again when it arrives, so a partition also cuts the
 * frames in flight. {@link #isolate} puts kernels in a group of their own, {@link #heal} puts every
 * port back in group 0.
 *
 * <p>Driven by the simulation's one thread.
 */
public final class Network {

  private final Simulation sim;
  private final String name;
  private final LinkConditions conditions;
  private final RandomGenerator random;
  private final List<Link> links = new ArrayList<>();
  private final Map<MacAddress, Link> learnt = new HashMap<>();
  private int nextGroup = 1;
  private long sent;
  private long delivered;
  private long lost;
  private long duplicated;
  private long reordered;
  private long corrupted;
  private long cut;

  Network(Simulation sim, String name, LinkConditions conditions, RandomGenerator random) {
    this.sim = sim;
    this.name = name;
    this.conditions = conditions;
    this.random = random;
  }

  public String name() {
    return name;
  }

  public LinkConditions conditions() {
    return conditions;
  }

  /** The cables, in the order the kernels were attached. */
  public List<Link> links() {
    return List.copyOf(links);
  }

  Link attach(SimKernel<?> kernel, MacAddress mac) {
    Link link = new Link(kernel, mac, links.size());
    links.add(link);
    return link;
  }

  /** Puts {@code kernels} in a group of their own: they hear each other and nobody else. */
  public void isolate(Collection<String> kernels) {
    int g = nextGroup++;
    for (Link l : links) {
      if (kernels.contains(l.kernel.name())) {
        l.group = g;
      }
    }
  }

  /** Ends every partition. */
  public void heal() {
    for (Link l : links) {
      l.group = 0;
    }
  }

  /** Counters: frames sent, delivered, lost, duplicated, reordered, corrupted, cut by a partition. */
  public String summary() {
    return name + ": " + sent + " frames sent, " + delivered + " delivered, " + lost + " lost, " + duplicated
        + " duplicated, " + reordered + " reordered, " + corrupted + " corrupted, " + cut + " cut by partitions";
  }

  /** A frame written by {@code from}'s kernel at the simulation's current time; takes ownership. */
  void transmit(Link from, ByteBuf frame) {
    long now = sim.nowNanos();
    try {
      sent++;
      from.pcap.record(now, frame);
      int start = frame.readerIndex();
      MacAddress dst = MacAddress.readFrom(frame, start);
      MacAddress src = MacAddress.readFrom(frame, start + 6);
      if (!src.isMulticast()) {
        learnt.put(src, from);
      }
      Link target = dst.isMulticast() ? null : learnt.get(dst);
      if (target != null) {
        if (target != from) {
          send(from, target, frame, now);
        }
        return;
      }
      for (Link to : links) {
        if (to != from) {
          send(from, to, frame, now);
        }
      }
    } finally {
      frame.release();
    }
  }

  private void send(Link from, Link to, ByteBuf frame, long now) {
    if (from.group != to.group) {
      cut++;
      return;
    }
    if (random.nextDouble() < conditions.loss()) {
      lost++;
      return;
    }
    int copies = random.nextDouble() < conditions.duplication() ? 2 : 1;
    if (copies == 2) {
      duplicated++;
    }
    int len = frame.readableBytes();
    for (int c = 0; c < copies; c++) {
      byte[] bytes = new byte[len];
      frame.getBytes(frame.readerIndex(), bytes);
      if (len > 14 && random.nextDouble() < conditions.corruption()) {
        int bit = 14 * 8 + random.nextInt((len - 14) * 8);
        bytes[bit >>> 3] ^= (byte) (1 << (bit & 7));
        corrupted++;
      }
      long at = now;
      if (conditions.bitsPerSecond() > 0) {
        long serialise = Math.ceilDiv(len * 8L * 1_000_000_000L, conditions.bitsPerSecond());
        at = Math.max(at, to.busyUntil) + serialise;
        to.busyUntil = at;
      }
      at += conditions.latency().toNanos();
      long jitter = conditions.jitter().toNanos();
      if (jitter > 0) {
        at += random.nextLong(jitter + 1);
      }
      if (random.nextDouble() < conditions.reordering()) {
        at += random.nextLong(4 * conditions.latency().toNanos() + 1_000_000L);
        reordered++;
      }
      int fromGroup = from.group;
      sim.schedule(Math.max(at, now + 1), () -> arrive(to, fromGroup, bytes));
    }
  }

  private void arrive(Link to, int fromGroup, byte[] bytes) {
    if (to.group != fromGroup) {
      cut++;
      return;
    }
    delivered++;
    to.deliver(sim.nowNanos(), bytes);
  }

  /** The cable of one kernel: its MAC address, partition group, capture and device. */
  public final class Link {
    private final SimKernel<?> kernel;
    private final MacAddress mac;
    private final int index;
    private final PcapRecorder pcap = new PcapRecorder();
    private int group;
    private long busyUntil;
    private SimNetif device; // the running incarnation's, or null while the kernel is down

    private Link(SimKernel<?> kernel, MacAddress mac, int index) {
      this.kernel = kernel;
      this.mac = mac;
      this.index = index;
    }

    public SimKernel<?> kernel() {
      return kernel;
    }

    public MacAddress mac() {
      return mac;
    }

    /** The capture of this cable: frames sent by the kernel and frames delivered to it. */
    public PcapRecorder pcap() {
      return pcap;
    }

    /** A name for files: network and kernel. */
    public String fileName() {
      return name + "-" + kernel.name() + ".pcap";
    }

    /** Plugs a new incarnation's device in (or none: the kernel is down). */
    void plug(SimNetif device) {
      this.device = device;
    }

    void transmit(ByteBuf frame) {
      Network.this.transmit(this, frame);
    }

    private void deliver(long now, byte[] bytes) {
      SimNetif d = device;
      if (d == null) {
        return; // the kernel is down: the frame falls on the floor
      }
      pcap.record(now, io.netty.buffer.Unpooled.wrappedBuffer(bytes));
      d.arrive(bytes);
    }

    @Override
    public String toString() {
      return "Link[" + name + " #" + index + " " + kernel.name() + " " + mac + "]";
    }
  }
}
