package io.morgana.net.packet;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.net.packet.internal.BlockReceiveRing;
import io.morgana.net.packet.internal.FrameReceiveRing;
import io.morgana.net.packet.internal.PacketAbi;
import io.morgana.net.packet.internal.PacketAbi.Mreq;
import io.morgana.net.packet.internal.PacketAbi.SockaddrLl;
import io.morgana.net.packet.internal.PacketAbi.StatsV3;
import io.morgana.net.packet.internal.ReceiveRing;
import io.morgana.net.packet.internal.RingGeometry;
import io.morgana.net.packet.internal.SlotLayout;
import io.morgana.net.packet.internal.TransmitRing;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.Ifreq;
import io.morgana.runtime.nativeio.Libc;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Netif} that owns a Linux network interface through an {@code AF_PACKET}/{@code
 * SOCK_RAW} socket with {@code PACKET_MMAP} rings ({@code packet(7)}, {@code
 * Documentation/networking/packet_mmap.rst}): Morgana's stack directly on a veth end, a physical
 * NIC or a VM's virtio NIC, with no TAP device and no system call per received frame.
 *
 * <p><b>The socket.</b> {@link #open} creates the socket with protocol 0 (it receives nothing
 * yet), selects the ring format ({@link PacketConfig#version()}: {@code TPACKET_V3} by default,
 * see {@link TpacketVersion} for what {@code TPACKET_V2} trades), sets {@code
 * PACKET_IGNORE_OUTGOING} (frames the host sends on the interface are not ours to receive; on
 * kernels older than 4.20 they are recognised by their {@code sll_pkttype} instead) and {@code
 * PACKET_LOSS}, sets up a receive ring ({@code PACKET_RX_RING}: under V3, blocks the kernel fills
 * and retires after {@link PacketConfig#retireTimeoutMillis()} at most; under V2, a slot per
 * frame) and a transmit ring ({@code PACKET_TX_RING}, fixed slots), maps both with one {@code
 * mmap}, and only then binds to the interface for every protocol ({@code ETH_P_ALL}).
 *
 * <p><b>The interface belongs to Morgana.</b> Opening fails with a {@link
 * PacketUnavailableException} when the interface does not exist, is not Ethernet, or the host has
 * an IPv4 address on it — the host's stack would answer ARP and TCP for that address beside
 * Morgana. The host still brings the interface up (until then frames are not delivered and sends
 * are counted drops); it should also leave segmentation offloads off on the link's far end
 * (frames above {@code mtu() + 14} bytes are counted drops). Morgana's MAC is the interface's own
 * unless {@link PacketConfig#mac()} names another, in which case the interface is made
 * promiscuous ({@code PACKET_MR_PROMISC}) while the socket is open. The MTU is the interface's.
 *
 * <p><b>The loop.</b> The interface is a {@link Pollable} whose {@link #readinessFd()} is the
 * socket: the loop's {@code ppoll(2)} wakes when the kernel retires a receive block (V3) or fills
 * a slot (V2). Each poll walks up to {@value #RX_BLOCK_BUDGET} retired blocks (or {@value
 * #RX_FRAME_BUDGET} slots), copies each frame once into a pooled buffer handed to the handler
 * (reused unless the handler retained it, as in {@code TapNetif}), returns the blocks or slots to
 * the kernel, and then kicks the transmit ring. {@link #write} copies the
 * frame into the next free slot and marks it for sending; the kernel is kicked ({@code sendto}
 * with no data) once per loop turn — at the end of this interface's poll, or when {@value
 * #TX_KICK_BATCH} frames are waiting, or the ring is full — so a burst of frames costs one system
 * call. A full transmit ring is a counted drop. Bad ring entries are counted drops (see {@link
 * ReceiveRing}); frames the kernel dropped for want of a free block ({@code PACKET_STATISTICS}) are
 * counted in {@code rxDropped} too.
 *
 * <p><b>Threads.</b> {@link #listen}, {@link #write} and {@link #poll} run on the loop thread;
 * {@link #close()} and the accessors from any thread.
 */
public final class PacketNetif implements Netif, Pollable {

  /** Most receive blocks (V3) walked in one {@link #poll}; the loop polls again before it sleeps. */
  public static final int RX_BLOCK_BUDGET = 8;

  /** Most receive slots (V2) read in one {@link #poll}. */
  public static final int RX_FRAME_BUDGET = 256;

  /** Frames written before the transmit ring is kicked without waiting for the turn's end. */
  public static final int TX_KICK_BATCH = 32;

  /** About how many bytes the receive ring maps. */
  static final int RX_RING_BYTES = 4 << 20;

  /** Slots of the transmit ring (fewer for jumbo frames: it maps at most {@link #RX_RING_BYTES} too). */
  static final int TX_SLOTS = 256;

  /** After the kernel could not take frames (socket buffer full), try again this much later. */
  private static final long TX_RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  /** The socket's pending error is read at most this often while nothing arrives. */
  private static final long ERROR_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final int SO_ERROR = 4;
  private static final int ETHERNET_HEADER = 14;
  private static final ValueLayout.OfLong LONG_BIG_ENDIAN =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final Logger LOG = LoggerFactory.getLogger(PacketNetif.class);

  private final EventLoop loop;
  private final String name;
  private final int ifindex;
  private final MacAddress mac;
  private final int mtu;
  private final int fd;
  private final MemorySegment mapping;
  private final ReceiveRing rx;
  private final int rxBudget;
  private final TransmitRing tx;
  private final MemorySegment txRing;
  private final ReceiveRing.FrameSink sink = this::deliver;
  private final Errno errno;
  private final MemorySegment optionValue;
  private final MemorySegment optionLength;
  private MemorySegment rxSegment;
  private ByteBuf rxFrame;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Object io = new Object();
  private volatile boolean closed;
  private volatile boolean failed;
  private volatile EventLoop.Cancellable registration;
  private volatile FrameHandler handler;
  private long pollNanos;
  private long retryKickAt = NO_DEADLINE;
  private long nextErrorCheck;
  private long ringDropsSeen;
  private boolean warnedTx;

  // Written only on the loop thread; volatile so stats() from another thread sees them.
  private volatile long rxFrames;
  private volatile long rxBytes;
  private volatile long rxDropped;
  private volatile long txFrames;
  private volatile long txBytes;
  private volatile long txDropped;

  private PacketNetif(
      EventLoop loop, String name, int ifindex, MacAddress mac, int mtu, int fd,
      MemorySegment mapping, TpacketVersion version, RingGeometry rxGeometry, RingGeometry txGeometry) {
    this.loop = loop;
    this.name = name;
    this.ifindex = ifindex;
    this.mac = mac;
    this.mtu = mtu;
    this.fd = fd;
    this.mapping = mapping;
    MemorySegment rxRing = mapping.asSlice(0, rxGeometry.bytes());
    if (version == TpacketVersion.V3) {
      this.rx = new BlockReceiveRing(rxRing, rxGeometry.blockSize(), rxGeometry.blockCount());
      this.rxBudget = RX_BLOCK_BUDGET;
    } else {
      this.rx = new FrameReceiveRing(rxRing, rxGeometry.blockSize(), rxGeometry.frameSize(), rxGeometry.frameCount());
      this.rxBudget = RX_FRAME_BUDGET;
    }
    this.txRing = mapping.asSlice(rxGeometry.bytes(), txGeometry.bytes());
    this.tx = new TransmitRing(
        txRing, txGeometry.blockSize(), txGeometry.frameSize(), txGeometry.frameCount(),
        version == TpacketVersion.V3 ? SlotLayout.V3 : SlotLayout.V2);
    Arena arena = Arena.ofAuto();
    this.errno = new Errno(arena);
    this.optionValue = arena.allocate(StatsV3.SIZE, 8);
    this.optionLength = arena.allocate(ValueLayout.JAVA_INT);
    newReceiveBuffer();
  }

  /**
   * Takes over the interface {@code config.device()} of the calling thread's network namespace
   * and registers it on {@code loop}.
   *
   * @throws PacketUnavailableException with a message naming the interface and what to do when
   *     it cannot be taken over
   */
  public static PacketNetif open(PacketConfig config, EventLoop loop) {
    String name = config.device();
    try (Arena arena = Arena.ofConfined()) {
      Errno err = new Errno(arena);
      int ifindex = Libc.ifNameToIndex(err, arena.allocateFrom(name));
      if (ifindex == 0) {
        throw new PacketUnavailableException(
            name, err.value(),
            "network interface " + name + " does not exist in this network namespace"
                + " (if_nametoindex: " + Libc.errnoName(err.value()) + "); name an existing"
                + " interface (ip link show) in --net=packet:IFACE");
      }
      DeviceInfo info = deviceInfo(arena, name);
      if (info.ipv4() != null) {
        throw new PacketUnavailableException(
            name, 0,
            "network interface " + name + " has the host's IPv4 address " + info.ipv4()
                + "; Morgana must own the interface, so the host may not configure an address on"
                + " it: remove it (ip addr flush dev " + name + ") or give Morgana another"
                + " interface");
      }
      MacAddress mac = config.mac().orElse(info.mac());
      int maxFrame = info.mtu() + ETHERNET_HEADER;
      TpacketVersion version = config.version();
      RingGeometry rxGeometry =
          version == TpacketVersion.V3
              ? RingGeometry.receive(maxFrame, RX_RING_BYTES, config.retireTimeoutMillis())
              : RingGeometry.receiveFrames(maxFrame, RX_RING_BYTES);
      RingGeometry txGeometry = RingGeometry.transmit(maxFrame, TX_SLOTS, RX_RING_BYTES);
      int fd = Libc.socket(err, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw socketFailure(name, err.value());
      }
      MemorySegment mapping = null;
      try {
        setOption(err, arena, fd, name, PacketAbi.PACKET_VERSION,
            version == TpacketVersion.V3 ? PacketAbi.TPACKET_V3 : PacketAbi.TPACKET_V2,
            "the kernel has no TPACKET_" + version + " rings (Linux 3.2 and later have both)");
        if (Libc.setsockopt(err, fd, Libc.SOL_PACKET, PacketAbi.PACKET_IGNORE_OUTGOING, 1) < 0) {
          LOG.debug("packet {}: no PACKET_IGNORE_OUTGOING ({}); filtering outgoing frames by"
              + " sll_pkttype", name, Libc.errnoName(err.value()));
        }
        setOption(err, arena, fd, name, PacketAbi.PACKET_LOSS, 1, "PACKET_LOSS was refused");
        setRing(err, arena, fd, name, PacketAbi.PACKET_RX_RING, rxGeometry, "PACKET_RX_RING");
        setRing(err, arena, fd, name, PacketAbi.PACKET_TX_RING, txGeometry,
            "PACKET_TX_RING (a TPACKET_V3 transmit ring needs Linux 4.11; --packet-ring=v2 does not)");
        long bytes = rxGeometry.bytes() + txGeometry.bytes();
        mapping = Libc.mmap(err, MemorySegment.NULL, bytes, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
        if (mapping == null) {
          throw new PacketUnavailableException(
              name, err.value(),
              "cannot map the " + bytes + "-byte packet rings of " + name + " (mmap: "
                  + Libc.errnoName(err.value()) + "); check the memory limits (ulimit -l)");
        }
        if (!mac.equals(info.mac())) {
          promiscuous(err, arena, fd, ifindex, name);
        }
        bindTo(err, arena, fd, ifindex, name);
        PacketNetif netif =
            new PacketNetif(loop, name, ifindex, mac, info.mtu(), fd, mapping, version, rxGeometry, txGeometry);
        if (!info.up()) {
          LOG.info(
              "packet {}: the interface is down; nothing is received and sends are dropped until"
                  + " the host runs `ip link set {} up`", name, name);
        }
        LOG.info("packet {}: attached (ifindex {}), MAC {}, MTU {}, TPACKET_{} rings: {} x {} KiB rx, {} slots tx",
            name, ifindex, mac, info.mtu(), version, rxGeometry.blockCount(), rxGeometry.blockSize() / 1024,
            txGeometry.frameCount());
        netif.registration = loop.register(netif);
        return netif;
      } catch (RuntimeException e) {
        if (mapping != null) {
          Libc.munmap(err, mapping);
        }
        Libc.close(err, fd);
        throw e;
      }
    }
  }

  private record DeviceInfo(int mtu, boolean up, MacAddress mac, Ipv4Address ipv4) {}

  /** MTU, up flag, hardware address and IPv4 address of {@code name}, through an {@code AF_INET} socket. */
  private static DeviceInfo deviceInfo(Arena arena, String name) {
    Errno err = new Errno(arena);
    int sock = Libc.socket(err, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    if (sock < 0) {
      throw new PacketUnavailableException(
          name, err.value(),
          "network interface " + name + ": cannot open a socket to ask the kernel about it ("
              + Libc.errnoName(err.value()) + ")");
    }
    try {
      Ifreq mtuReq = Ifreq.named(arena, name);
      if (Libc.ioctl(err, sock, Ifreq.SIOCGIFMTU, mtuReq.segment()) < 0) {
        throw new PacketUnavailableException(
            name, err.value(),
            "network interface " + name + ": cannot read its MTU (ioctl SIOCGIFMTU: "
                + Libc.errnoName(err.value()) + ")");
      }
      Ifreq hw = Ifreq.named(arena, name);
      if (Libc.ioctl(err, sock, Ifreq.SIOCGIFHWADDR, hw.segment()) < 0
          || hw.addressFamily() != Ifreq.ARPHRD_ETHER) {
        throw new PacketUnavailableException(
            name, err.value(),
            "network interface " + name + " is not an Ethernet interface (SIOCGIFHWADDR family "
                + hw.addressFamily() + "); Morgana sends and receives Ethernet frames");
      }
      MacAddress mac = MacAddress.of(hw.hardwareAddress(6));
      Ifreq flags = Ifreq.named(arena, name);
      boolean up =
          Libc.ioctl(err, sock, Ifreq.SIOCGIFFLAGS, flags.segment()) >= 0
              && (flags.flags() & Ifreq.IFF_UP) != 0;
      Ifreq addr = Ifreq.named(arena, name);
      Ipv4Address ipv4 = null;
      if (Libc.ioctl(err, sock, Ifreq.SIOCGIFADDR, addr.segment()) >= 0) {
        ipv4 = Ipv4Address.of(addr.ipv4Address());
      } else if (err.value() != Libc.EADDRNOTAVAIL) {
        throw new PacketUnavailableException(
            name, err.value(),
            "network interface " + name + ": cannot tell whether the host has an IPv4 address on"
                + " it (ioctl SIOCGIFADDR: " + Libc.errnoName(err.value()) + ")");
      }
      return new DeviceInfo(mtuReq.intValue(), up, mac, ipv4);
    } finally {
      Libc.close(err, sock);
    }
  }

  static PacketUnavailableException socketFailure(String name, int errno) {
    String what = "socket(AF_PACKET, SOCK_RAW) failed with " + Libc.errnoName(errno);
    String message =
        errno == Libc.EPERM || errno == Libc.EACCES
            ? "cannot open a packet socket for network interface " + name + ": permission denied ("
                + what + "); packet sockets need CAP_NET_RAW: run as root or grant the capability"
                + " (setcap cap_net_raw+ep on the java binary)"
            : "cannot open a packet socket for network interface " + name + " (" + what
                + "); the kernel needs AF_PACKET (CONFIG_PACKET)";
    return new PacketUnavailableException(name, errno, message);
  }

  private static void setOption(Errno err, Arena arena, int fd, String name, int option, int value, String meaning) {
    if (Libc.setsockopt(err, fd, Libc.SOL_PACKET, option, value) < 0) {
      throw new PacketUnavailableException(
          name, err.value(),
          "network interface " + name + ": setsockopt(SOL_PACKET, " + option + ") failed with "
              + Libc.errnoName(err.value()) + "; " + meaning);
    }
  }

  private static void setRing(Errno err, Arena arena, int fd, String name, int option, RingGeometry g, String what) {
    MemorySegment req = arena.allocate(PacketAbi.Req3.SIZE, 4);
    g.writeTo(req);
    if (Libc.setsockopt(err, fd, Libc.SOL_PACKET, option, req, PacketAbi.Req3.SIZE) < 0) {
      throw new PacketUnavailableException(
          name, err.value(),
          "network interface " + name + ": the kernel refused the " + what + " of " + g.blockCount()
              + " blocks of " + g.blockSize() + " bytes (" + Libc.errnoName(err.value()) + ")");
    }
  }

  private static void promiscuous(Errno err, Arena arena, int fd, int ifindex, String name) {
    MemorySegment mreq = arena.allocate(Mreq.SIZE, 4);
    mreq.fill((byte) 0);
    mreq.set(ValueLayout.JAVA_INT, Mreq.IFINDEX_OFFSET, ifindex);
    mreq.set(ValueLayout.JAVA_SHORT, Mreq.TYPE_OFFSET, (short) PacketAbi.PACKET_MR_PROMISC);
    if (Libc.setsockopt(err, fd, Libc.SOL_PACKET, PacketAbi.PACKET_ADD_MEMBERSHIP, mreq, Mreq.SIZE) < 0) {
      throw new PacketUnavailableException(
          name, err.value(),
          "network interface " + name + ": cannot make it promiscuous for a MAC address of"
              + " Morgana's own (PACKET_ADD_MEMBERSHIP: " + Libc.errnoName(err.value())
              + "); leave out --mac to use the interface's address");
    }
  }

  private static void bindTo(Errno err, Arena arena, int fd, int ifindex, String name) {
    MemorySegment sll = arena.allocate(SockaddrLl.SIZE, 4);
    sll.fill((byte) 0);
    sll.set(ValueLayout.JAVA_SHORT, SockaddrLl.FAMILY_OFFSET, (short) Libc.AF_PACKET);
    sll.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), SockaddrLl.PROTOCOL_OFFSET, (short) PacketAbi.ETH_P_ALL);
    sll.set(ValueLayout.JAVA_INT, SockaddrLl.IFINDEX_OFFSET, ifindex);
    if (Libc.bind(err, fd, sll, SockaddrLl.SIZE) < 0) {
      throw new PacketUnavailableException(
          name, err.value(),
          "cannot bind a packet socket to network interface " + name + " (bind: "
              + Libc.errnoName(err.value()) + ")");
    }
  }

  /** The interface's name. */
  public String name() {
    return name;
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

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public boolean write(ByteBuf frame) {
    try {
      synchronized (io) {
        return writeLocked(frame);
      }
    } finally {
      frame.release();
    }
  }

  private boolean writeLocked(ByteBuf frame) {
    int length = frame.readableBytes();
    if (closed || failed || length < ETHERNET_HEADER || length > mtu + ETHERNET_HEADER) {
      txDropped++;
      return false;
    }
    long at = tx.claim();
    if (at < 0) {
      kick(pollNanos); // the kernel frees slots as it sends them
      at = tx.claim();
      if (at < 0) {
        txDropped++;
        return false;
      }
    }
    copyToRing(frame, length, at);
    tx.commit(length);
    txFrames++;
    txBytes += length;
    if (tx.pending() >= TX_KICK_BATCH) {
      kick(pollNanos);
    }
    return true;
  }

  /**
   * Copies the frame into its slot with absolute 8-byte reads: works for every kind of {@link
   * ByteBuf} and allocates nothing (see {@code TapNetif}).
   */
  private void copyToRing(ByteBuf frame, int length, long at) {
    MemorySegment ring = txRing;
    long base = at;
    int from = frame.readerIndex();
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      ring.set(LONG_BIG_ENDIAN, base + i, frame.getLong(from + i));
    }
    for (; i < length; i++) {
      ring.set(ValueLayout.JAVA_BYTE, base + i, frame.getByte(from + i));
    }
  }

  /**
   * Asks the kernel to send what the transmit ring holds. Frames stay requested when the socket
   * buffer is full (tried again {@value #TX_RETRY_NANOS} ns later); when the interface is down or
   * gone they are taken back and counted as dropped.
   */
  private boolean kick(long nowNanos) {
    long r = Libc.sendto(errno, fd, MemorySegment.NULL, 0, Libc.MSG_DONTWAIT, MemorySegment.NULL, 0);
    if (r >= 0) {
      tx.kicked();
      retryKickAt = NO_DEADLINE;
      warnedTx = false;
      return true;
    }
    int e = errno.value();
    if (e == Libc.EAGAIN || e == Libc.ENOBUFS || e == Libc.EINTR) {
      retryKickAt = nowNanos + TX_RETRY_NANOS;
      return false;
    }
    TransmitRing.ReclaimedFrames lost = tx.reclaimUnsent();
    retryKickAt = NO_DEADLINE;
    txFrames -= lost.frames();
    txBytes -= lost.bytes();
    txDropped += lost.frames();
    if (!warnedTx) {
      warnedTx = true;
      LOG.warn(
          "packet {}: sending failed with {} (is the interface up? `ip link set {} up`); dropping"
              + " frames and counting them in txDropped", name, Libc.errnoName(e), name);
    }
    return true;
  }

  @Override
  public boolean poll(long nowNanos) {
    synchronized (io) {
      return pollLocked(nowNanos);
    }
  }

  private boolean pollLocked(long nowNanos) {
    if (closed || failed) {
      return false;
    }
    pollNanos = nowNanos;
    int blocks = rx.drain(sink, rxBudget);
    if (blocks > 0) {
      long ringDrops = rx.droppedFrames();
      if (ringDrops != ringDropsSeen) {
        rxDropped += ringDrops - ringDropsSeen;
        ringDropsSeen = ringDrops;
      }
      if (rx.takeLosing()) {
        rxDropped += kernelDrops();
      }
    }
    boolean kicked = false;
    if (tx.pending() > 0 && (retryKickAt == NO_DEADLINE || nowNanos - retryKickAt >= 0)) {
      kicked = kick(nowNanos);
    }
    if (blocks == 0 && !kicked && nowNanos - nextErrorCheck >= 0) {
      nextErrorCheck = nowNanos + ERROR_CHECK_NANOS;
      checkSocketError();
    }
    return blocks > 0 || kicked;
  }

  /** Frames the kernel dropped since the last call ({@code PACKET_STATISTICS} reads and resets). */
  private long kernelDrops() {
    optionLength.set(ValueLayout.JAVA_INT, 0, StatsV3.SIZE);
    if (Libc.getsockopt(errno, fd, Libc.SOL_PACKET, PacketAbi.PACKET_STATISTICS, optionValue, optionLength) < 0) {
      return 0;
    }
    return Integer.toUnsignedLong(optionValue.get(ValueLayout.JAVA_INT, StatsV3.DROPS_OFFSET));
  }

  /**
   * Reads (and so clears) the socket's pending error: the kernel sets {@code ENETDOWN} when the
   * interface goes down or away, which makes the socket report {@code POLLERR} — and the loop
   * wake — until it is read. An interface that no longer exists detaches this one from the loop.
   */
  private void checkSocketError() {
    optionLength.set(ValueLayout.JAVA_INT, 0, 4);
    if (Libc.getsockopt(errno, fd, Libc.SOL_SOCKET, SO_ERROR, optionValue, optionLength) < 0) {
      return;
    }
    int e = optionValue.get(ValueLayout.JAVA_INT, 0);
    if (e == 0) {
      return;
    }
    int now;
    try (Arena arena = Arena.ofConfined()) {
      now = Libc.ifNameToIndex(new Errno(arena), arena.allocateFrom(name));
    }
    if (now != ifindex) {
      failed = true;
      LOG.error("packet {}: the interface is gone ({}); detaching from the loop", name, Libc.errnoName(e));
      EventLoop.Cancellable r = registration;
      if (r != null) {
        r.cancel();
      }
    } else {
      LOG.warn("packet {}: the socket reported {} (the interface went down?)", name, Libc.errnoName(e));
    }
  }

  private void deliver(MemorySegment ring, long offset, int length, int status) {
    FrameHandler h = handler;
    if (h == null || length < ETHERNET_HEADER || length > mtu + ETHERNET_HEADER) {
      rxDropped++;
      return;
    }
    MemorySegment.copy(ring, offset, rxSegment, 0, length);
    ByteBuf frame = rxFrame;
    frame.setIndex(0, length);
    rxFrames++;
    rxBytes += length;
    int flags =
        (status & (PacketAbi.TP_STATUS_CSUMNOTREADY | PacketAbi.TP_STATUS_CSUM_VALID)) != 0
            ? FrameHandler.RX_CHECKSUM_VERIFIED
            : 0;
    try {
      h.onFrame(frame, pollNanos, flags);
    } catch (RuntimeException e) {
      LOG.warn("packet {}: frame handler threw; frame dropped", name, e);
    }
    if (frame.refCnt() != 1) {
      // The handler retained the frame (or a slice of it): it is theirs now; copy into a new one.
      if (frame.refCnt() > 0) {
        frame.release();
      }
      newReceiveBuffer();
    }
  }

  /**
   * A pooled direct buffer each received frame is copied into, out of the ring, and that is
   * handed to the handler; reused unless the handler retained it (as {@code TapNetif} does).
   */
  private void newReceiveBuffer() {
    int capacity = mtu + ETHERNET_HEADER;
    rxFrame = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
    rxSegment = MemorySegment.ofBuffer(rxFrame.nioBuffer(0, capacity));
  }

  /**
   * When frames wait in the transmit ring, now (the kick is due); when a kick is to be retried,
   * then; otherwise none.
   */
  @Override
  public long nextDeadlineNanos() {
    if (closed || failed || tx.pending() == 0) {
      return NO_DEADLINE;
    }
    return retryKickAt == NO_DEADLINE ? pollNanos : retryKickAt;
  }

  @Override
  public int readinessFd() {
    return closed || failed ? -1 : fd;
  }

  /**
   * Detaches from the loop, unmaps the rings and closes the socket (a promiscuous membership ends
   * with it). Idempotent; any thread. While a {@link KernelLoop} is running this happens on its
   * thread (this call waits for it), so the loop never waits on a closed or reused descriptor.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      new LoopBridge(loop).runAndWait(() -> {
        closeNow();
        return null;
      }, Duration.ofSeconds(5));
    } catch (Exception e) {
      LOG.warn("packet {}: the loop did not close the interface ({}); closing it here", name, e.toString());
    }
    closeNow();
  }

  private void closeNow() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    EventLoop.Cancellable r = registration;
    if (r != null) {
      r.cancel();
    }
    synchronized (io) {
      closed = true;
      Libc.munmap(errno, mapping);
      Libc.closeQuietly(fd);
      if (rxFrame.refCnt() > 0) {
        rxFrame.release();
      }
    }
    LOG.info("packet {}: closed ({})", name, stats());
  }

  @Override
  public String toString() {
    return "PacketNetif[" + name + ", " + mac + ", mtu " + mtu + "]";
  }
}
