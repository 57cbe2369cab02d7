package io.morgana.net.tap;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Netif} over a Linux TAP device ({@code Documentation/networking/tuntap.rst}), opened
 * with Java FFM: {@code open("/dev/net/tun", O_RDWR|O_NONBLOCK|O_CLOEXEC)} then {@code
 * ioctl(TUNSETIFF)} with {@code IFF_TAP|IFF_NO_PI}, so each {@code read}/{@code write} on the
 * descriptor is one whole Ethernet frame with no packet-information prefix.
 *
 * <p><b>The device.</b> {@link #open} attaches to the TAP interface of that name if it exists (a
 * persistent one made with {@code ip tuntap add dev NAME mode tap}) or creates it; a device this
 * process created disappears when it is closed. The host's side of the interface belongs to the
 * host: Morgana never brings it up, addresses it or changes its MTU. Until the host runs {@code ip
 * link set NAME up} the kernel discards what Morgana sends (counted as {@code txDropped}); {@link
 * #open} logs a hint when it finds the link down. The MTU is read from the device ({@code
 * SIOCGIFMTU}) when it is opened. Morgana's MAC address is its own — the one in the {@link
 * TapConfig} or a random locally administered one — and differs from the host side's.
 *
 * <p><b>The loop.</b> The interface is a {@link Pollable} registered on the loop it was opened
 * with; its {@link #readinessFd()} is the TAP descriptor, so the kernel loop's {@code poll(2)}
 * wakes when a frame arrives: no thread spins and no reader thread exists. Each poll reads frames
 * until {@code EAGAIN} or {@value #RX_BUDGET} frames. Writes go straight to the descriptor; a
 * full device queue ({@code EAGAIN}) or a down link is a counted drop.
 *
 * <p><b>Memory.</b> A frame is read straight into a pooled direct {@link ByteBuf} (through a
 * {@link MemorySegment} over its memory), and that buffer is handed to the handler: no copy.
 * After the handler returns the buffer is reused for the next frame — unless the handler
 * retained it (its reference count is above one), in which case it is left to the handler and a
 * new one is taken from the pool. A frame sent is copied once into a native buffer of the
 * interface and written. Nothing is allocated per frame.
 *
 * <p><b>Offloads</b> ({@link TapConfig#offload()}, {@code --tap-offload}; off by default). The
 * device is opened with {@code IFF_VNET_HDR}, a 10-byte little-endian {@code virtio_net_hdr}
 * ({@code TUNSETVNETHDRSZ} 10, {@code TUNSETVNETLE}) and {@code TUNSETOFFLOAD} with {@code
 * TUN_F_CSUM | TUN_F_TSO4}: the kernel then sends frames whose TCP/UDP checksum is only partial
 * ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}: it comes from the host's own memory, not a wire) and TCP
 * segments of up to 64 KiB, above the MTU ({@code VIRTIO_NET_HDR_GSO_TCPV4}), where it would
 * otherwise compute every checksum and cut every segment itself. Each frame read is parsed
 * ({@link VirtioNetHeader}); one with a partial or already verified checksum is handed up with
 * {@link FrameHandler#RX_CHECKSUM_VERIFIED}, so the stack skips the verification (the partial
 * checksum is left as it is, not filled in: net-tcpip is unchanged); a header this interface never
 * negotiated or inconsistent with its frame is a counted drop ({@code rxDropped}), logged once.
 * On transmit the interface advertises {@link Offloads#txChecksum()} and {@link
 * Offloads#maxSegmentBytes()} {@value #MAX_SEGMENT_BYTES} (an IPv4 total length of 65,535 less a
 * 20-byte IPv4 header and the largest, 60-byte, TCP header), and each frame sent through {@link
 * #write(ByteBuf, int, int)} gets the header its metadata asks for ({@link
 * VirtioNetHeader#forTransmit}): {@code NEEDS_CSUM} for a partial checksum, {@code GSO_TCPV4}
 * with the segment size for a TCP super-segment above the MTU, which the kernel cuts into
 * segments ({@code skb_gso_segment}) — or never, when it delivers to its own stack; a plain frame
 * gets a zeroed header. A frame whose metadata does not match its bytes is a counted drop
 * ({@code txDropped}), logged once.
 *
 * <p><b>Threads.</b> {@link #listen}, {@link #write} and {@link #poll} run on the loop thread;
 * {@link #close()} and the accessors from any thread.
 */
public final class TapNetif implements Netif, Pollable {

  /** The clone device of the Linux TUN/TAP driver. */
  public static final String CLONE_DEVICE = "/dev/net/tun";

  /** Most frames read in one {@link #poll}; the loop polls again before it sleeps. */
  public static final int RX_BUDGET = 64;

  /** Largest frame the device can deliver: the largest MTU a TAP allows plus the header. */
  static final int MAX_FRAME = 65_535 + 14;

  /** {@code IFF_VNET_HDR} for {@code TUNSETIFF}: a {@code virtio_net_hdr} before each frame. */
  static final int IFF_VNET_HDR = 0x4000;
  /** {@code TUNSETOFFLOAD = _IOW('T', 208, unsigned int)}: the offloads userspace accepts. */
  static final long TUNSETOFFLOAD = 0x400454d0L;
  /** {@code TUNSETVNETHDRSZ = _IOW('T', 216, int)}: the size of the header before each frame. */
  static final long TUNSETVNETHDRSZ = 0x400454d8L;
  /** {@code TUNSETVNETLE = _IOW('T', 220, int)}: the header's fields are little-endian. */
  static final long TUNSETVNETLE = 0x400454dcL;
  /** {@code TUN_F_CSUM}: userspace takes frames with a partial checksum. */
  static final int TUN_F_CSUM = 0x01;
  /** {@code TUN_F_TSO4}: userspace takes TCP/IPv4 frames to segment (GSO) — needs TUN_F_CSUM. */
  static final int TUN_F_TSO4 = 0x02;

  /**
   * The largest TCP payload of a super-segment: IPv4's largest total length less the smallest
   * IPv4 header and the largest TCP header.
   */
  public static final int MAX_SEGMENT_BYTES = 65_535 - 20 - 60;

  /** The receive and transmit buffers: the largest frame and, with offloads, its header. */
  private static final int BUFFER_SIZE = VirtioNetHeader.LENGTH + MAX_FRAME;

  private static final int ETHERNET_HEADER = 14;
  private static final ValueLayout.OfLong LONG_BIG_ENDIAN =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final Logger LOG = LoggerFactory.getLogger(TapNetif.class);

  private final EventLoop loop;
  private final String name;
  private final MacAddress mac;
  private final int mtu;
  private final int fd;
  /** {@link VirtioNetHeader#LENGTH} with offloads, 0 without: where a frame starts in the buffers. */
  private final int headerLength;
  private final VirtioNetHeader rxHeader = new VirtioNetHeader();
  private final VirtioNetHeader txHeader = new VirtioNetHeader();
  private final Offloads offloads;
  private final Errno errno;
  private MemorySegment rxSegment;
  private ByteBuf rxFrame;
  private final MemorySegment txSegment;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Object io = new Object();
  private volatile boolean closed;
  private volatile boolean failed;
  private volatile EventLoop.Cancellable registration;
  private volatile FrameHandler handler;
  private boolean warnedTx;
  private boolean warnedHeader;
  private boolean warnedTxHeader;

  // Written only on the loop thread; volatile so stats() from another thread sees them.
  private volatile long rxFrames;
  private volatile long rxBytes;
  private volatile long rxDropped;
  private volatile long txFrames;
  private volatile long txBytes;
  private volatile long txDropped;

  private TapNetif(EventLoop loop, String name, MacAddress mac, int mtu, int fd, boolean offload) {
    this.loop = loop;
    this.name = name;
    this.mac = mac;
    this.mtu = mtu;
    this.fd = fd;
    this.headerLength = offload ? VirtioNetHeader.LENGTH : 0;
    this.offloads = offload ? new Offloads(false, true, MAX_SEGMENT_BYTES) : Offloads.NONE;
    Arena arena = Arena.ofAuto();
    this.errno = new Errno(arena);
    newReceiveBuffer();
    this.txSegment = arena.allocate(BUFFER_SIZE, 64);
  }

  /**
   * Opens (or creates) the TAP interface {@code config.device()} in the calling thread's network
   * namespace and registers it on {@code loop}.
   *
   * @throws TapUnavailableException with a message naming the device, {@value #CLONE_DEVICE} and
   *     {@code CAP_NET_ADMIN} when the device cannot be opened
   */
  public static TapNetif open(TapConfig config, EventLoop loop) {
    try (Arena arena = Arena.ofConfined()) {
      Errno err = new Errno(arena);
      String requested = config.device();
      int fd =
          Libc.open(
              err,
              arena.allocateFrom(CLONE_DEVICE),
              Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC,
              0);
      if (fd < 0) {
        throw openFailure(requested, err.value(), "open " + CLONE_DEVICE);
      }
      try {
        int flags = Ifreq.IFF_TAP | Ifreq.IFF_NO_PI | (config.offload() ? IFF_VNET_HDR : 0);
        Ifreq ifr = Ifreq.named(arena, requested).flags(flags);
        if (Libc.ioctl(err, fd, Ifreq.TUNSETIFF, ifr.segment()) < 0) {
          throw openFailure(requested, err.value(), "ioctl(TUNSETIFF)");
        }
        String actual = ifr.name();
        if (config.offload()) {
          enableOffloads(arena, err, fd, actual);
        }
        DeviceInfo info = deviceInfo(arena, actual);
        MacAddress mac = config.mac().orElseGet(() -> MacAddress.randomLocal(new SecureRandom()));
        TapNetif tap = new TapNetif(loop, actual, mac, info.mtu(), fd, config.offload());
        if (!info.up()) {
          LOG.info(
              "TAP {}: the host side of the link is down; frames are dropped until the host runs"
                  + " `ip link set {} up`",
              actual,
              actual);
        }
        LOG.info(
            "TAP {}: attached, MAC {}, MTU {}{}",
            actual,
            mac,
            info.mtu(),
            config.offload()
                ? ", offloads: checksum and TSO4 both ways (IFF_VNET_HDR)"
                : "");
        tap.registration = loop.register(tap);
        return tap;
      } catch (RuntimeException e) {
        Libc.close(err, fd);
        throw e;
      }
    }
  }

  /** The header's size and byte order, then the offloads: each call's failure names it. */
  private static void enableOffloads(Arena arena, Errno err, int fd, String device) {
    MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
    value.set(ValueLayout.JAVA_INT, 0, VirtioNetHeader.LENGTH);
    if (Libc.ioctl(err, fd, TUNSETVNETHDRSZ, value) < 0) {
      throw offloadFailure(device, err.value(), "ioctl(TUNSETVNETHDRSZ, 10)");
    }
    value.set(ValueLayout.JAVA_INT, 0, 1);
    if (Libc.ioctl(err, fd, TUNSETVNETLE, value) < 0) {
      throw offloadFailure(device, err.value(), "ioctl(TUNSETVNETLE, 1)");
    }
    // TUNSETOFFLOAD takes its argument by value, not through a pointer.
    if (Libc.ioctl(err, fd, TUNSETOFFLOAD, MemorySegment.ofAddress(TUN_F_CSUM | TUN_F_TSO4)) < 0) {
      throw offloadFailure(device, err.value(), "ioctl(TUNSETOFFLOAD, TUN_F_CSUM|TUN_F_TSO4)");
    }
  }

  private static TapUnavailableException offloadFailure(String device, int errno, String call) {
    return new TapUnavailableException(
        device,
        errno,
        "TAP device " + device + ": cannot enable offloads (--tap-offload): " + call
            + " failed with " + Libc.errnoName(errno) + "; run without --tap-offload");
  }

  private record DeviceInfo(int mtu, boolean up) {}

  /** Reads the MTU and the up flag of {@code name} through an {@code AF_INET} datagram socket. */
  private static DeviceInfo deviceInfo(Arena arena, String name) {
    Errno err = new Errno(arena);
    int sock = Libc.socket(err, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    if (sock < 0) {
      throw new TapUnavailableException(
          name,
          err.value(),
          "TAP device " + name + ": cannot open a socket to read its MTU ("
              + Libc.errnoName(err.value()) + ")");
    }
    try {
      Ifreq mtuReq = Ifreq.named(arena, name);
      if (Libc.ioctl(err, sock, Ifreq.SIOCGIFMTU, mtuReq.segment()) < 0) {
        throw new TapUnavailableException(
            name,
            err.value(),
            "TAP device " + name + ": cannot read its MTU (ioctl SIOCGIFMTU: "
                + Libc.errnoName(err.value()) + ")");
      }
      Ifreq flagsReq = Ifreq.named(arena, name);
      boolean up =
          Libc.ioctl(err, sock, Ifreq.SIOCGIFFLAGS, flagsReq.segment()) >= 0
              && (flagsReq.flags() & Ifreq.IFF_UP) != 0;
      return new DeviceInfo(mtuReq.intValue(), up);
    } finally {
      Libc.close(err, sock);
    }
  }

  static TapUnavailableException openFailure(String device, int errno, String call) {
    String what = call + " failed with " + Libc.errnoName(errno);
    String message =
        switch (errno) {
          case Libc.EACCES, Libc.EPERM ->
              "cannot open TAP device " + device + " through " + CLONE_DEVICE + ": permission"
                  + " denied (" + what + "); creating or attaching to a TAP device needs"
                  + " CAP_NET_ADMIN: run as root, grant the capability, or attach to a persistent"
                  + " device owned by this user (ip tuntap add dev " + device
                  + " mode tap user $USER)";
          case Libc.ENOENT, Libc.ENODEV ->
              "cannot open TAP device " + device + ": " + CLONE_DEVICE + " is missing (" + what
                  + "); load the TUN/TAP driver (modprobe tun) or give the container the device;"
                  + " opening it also needs CAP_NET_ADMIN";
          case Libc.EBUSY ->
              "cannot open TAP device " + device + " through " + CLONE_DEVICE + ": it is busy ("
                  + what + "); another process is attached to it";
          case Libc.EINVAL ->
              "cannot open TAP device " + device + " through " + CLONE_DEVICE + " (" + what
                  + "); an interface of that name exists and is not a TAP device, or the name is"
                  + " not valid";
          default ->
              "cannot open TAP device " + device + " through " + CLONE_DEVICE + " (" + what
                  + "); check the device and that the process has CAP_NET_ADMIN";
        };
    return new TapUnavailableException(device, errno, message);
  }

  /** The interface's name as the kernel knows it (with {@code %d} resolved). */
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
    return offloads;
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
    return write(frame, 0, 0);
  }

  /**
   * Sends one frame with its offload metadata (see the class's <em>Offloads</em>). Without
   * {@code --tap-offload}, or for a frame with {@code txFlags == 0}, {@code segmentBytes} is
   * ignored and a frame above the MTU is refused, as by {@link #write(ByteBuf)}.
   *
   * @throws IllegalArgumentException (having released {@code frame}) for {@link
   *     #TX_CHECKSUM_PARTIAL} or an unknown flag on an interface opened without offloads
   */
  @Override
  public boolean write(ByteBuf frame, int txFlags, int segmentBytes) {
    if (txFlags != 0 && (headerLength == 0 || (txFlags & ~TX_CHECKSUM_PARTIAL) != 0)) {
      frame.release();
      throw new IllegalArgumentException("TAP " + name + ": txFlags " + txFlags
          + " not offered (" + offloads + ")");
    }
    try {
      synchronized (io) {
        return writeLocked(frame, txFlags != 0, segmentBytes);
      }
    } finally {
      frame.release();
    }
  }

  private boolean writeLocked(ByteBuf frame, boolean checksumPartial, int segmentBytes) {
    int length = frame.readableBytes();
    int limit = headerLength == 0 ? mtu + ETHERNET_HEADER : MAX_FRAME;
    if (closed || failed || length < ETHERNET_HEADER || length > limit) {
      txDropped++;
      return false;
    }
    if (headerLength != 0) {
      if (!txHeader.forTransmit(frame, frame.readerIndex(), length, mtu, checksumPartial, segmentBytes)) {
        txDropped++;
        if (!warnedTxHeader) {
          warnedTxHeader = true; // once: a stack bug must not flood the log
          LOG.warn("TAP {}: dropped a frame of {} bytes sent with txFlags {} and segmentBytes {}:"
              + " not a frame those offloads apply to (logged once; counted in txDropped)",
              name, length, checksumPartial ? TX_CHECKSUM_PARTIAL : 0, segmentBytes);
        }
        return false;
      }
      txHeader.write(txSegment, 0);
    }
    copyToTransmitBuffer(frame, length);
    long total = headerLength + length;
    long written = Libc.write(errno, fd, txSegment, total);
    if (written < 0 && errno.value() == Libc.EINTR) {
      written = Libc.write(errno, fd, txSegment, total);
    }
    if (written != total) {
      txDropped++;
      if (written < 0 && errno.value() != Libc.EAGAIN && !warnedTx) {
        warnedTx = true;
        LOG.warn(
            "TAP {}: write failed with {} (is the host side up? `ip link set {} up`);"
                + " dropping frames and counting them in txDropped",
            name,
            Libc.errnoName(errno.value()),
            name);
      }
      return false;
    }
    warnedTx = false;
    txFrames++;
    txBytes += length;
    return true;
  }

  /**
   * Copies the frame into the transmit buffer, after the header if any,
   * with absolute 8-byte reads: works for every kind of {@link ByteBuf} (pooled, derived,
   * composite, heap) and allocates nothing, where Netty's NIO
   * views of a fresh or derived buffer allocate a {@code ByteBuffer} per call when {@code
   * sun.misc.Unsafe} is not available (the default on JDK 25).
   */
  private void copyToTransmitBuffer(ByteBuf frame, int length) {
    int from = frame.readerIndex();
    int to = headerLength;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      txSegment.set(LONG_BIG_ENDIAN, to + i, frame.getLong(from + i));
    }
    for (; i < length; i++) {
      txSegment.set(ValueLayout.JAVA_BYTE, to + i, frame.getByte(from + i));
    }
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
    int frames = 0;
    while (frames < RX_BUDGET) {
      long n = Libc.read(errno, fd, rxSegment, BUFFER_SIZE);
      if (n < 0) {
        int e = errno.value();
        if (e == Libc.EINTR) {
          continue;
        }
        if (e == Libc.EAGAIN) {
          break;
        }
        if (e == Libc.EBADFD || e == Libc.EBADF || e == Libc.ENODEV || e == Libc.EIO) {
          readFailed(e);
          break;
        }
        rxDropped++; // a frame lost in the driver (EFAULT, ENOBUFS...): count it, read on
        frames++;
        continue;
      }
      frames++;
      deliver((int) n, nowNanos);
    }
    return frames > 0;
  }

  private void deliver(int read, long nowNanos) {
    FrameHandler h = handler;
    int length = read - headerLength;
    if (h == null || length < ETHERNET_HEADER) {
      rxDropped++;
      return;
    }
    ByteBuf frame = rxFrame;
    int flags = 0;
    if (headerLength == 0) {
      if (length > mtu + ETHERNET_HEADER) {
        rxDropped++;
        return;
      }
    } else {
      switch (rxHeader.read(frame, 0).check(length, mtu)) {
        case PLAIN -> {}
        case CHECKSUM_VERIFIED -> flags = FrameHandler.RX_CHECKSUM_VERIFIED;
        case UNSUPPORTED, MALFORMED, OVERSIZE -> {
          rxDropped++;
          if (!warnedHeader) {
            warnedHeader = true; // once: a broken peer must not flood the log
            LOG.warn(
                "TAP {}: dropped a frame of {} bytes with {} (logged once; counted in rxDropped)",
                name,
                length,
                rxHeader);
          }
          return;
        }
      }
    }
    frame.setIndex(headerLength, read);
    rxFrames++;
    rxBytes += length;
    try {
      h.onFrame(frame, nowNanos, flags);
    } catch (RuntimeException e) {
      LOG.warn("TAP {}: frame handler threw; frame dropped", name, e);
    }
    if (frame.refCnt() != 1) {
      // The handler retained the frame (or a slice of it): it is theirs now; read into a new one.
      if (frame.refCnt() > 0) {
        frame.release();
      }
      newReceiveBuffer();
    }
  }

  /**
   * A pooled direct buffer the descriptor is read into, in place, and that is handed to the
   * handler: a frame is never copied on receive. It is reused for the next frame unless the
   * handler retained it, in which case it is the handler's to release and a new one is taken from
   * the pool. Pooled (not a wrapper of our own memory) so that what the stack copies out of it
   * goes through Netty's cached NIO view rather than a new slice per copy.
   */
  private void newReceiveBuffer() {
    rxFrame = PooledByteBufAllocator.DEFAULT.directBuffer(BUFFER_SIZE, BUFFER_SIZE);
    rxSegment = MemorySegment.ofBuffer(rxFrame.nioBuffer(0, BUFFER_SIZE));
  }

  /** The device is gone (deleted, detached): stop polling it rather than spin. */
  private void readFailed(int e) {
    failed = true;
    LOG.error(
        "TAP {}: read failed with {}; the device is unusable (deleted?), detaching from the loop",
        name,
        Libc.errnoName(e));
    EventLoop.Cancellable r = registration;
    if (r != null) {
      r.cancel();
    }
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }

  @Override
  public int readinessFd() {
    return closed ? -1 : fd;
  }

  /**
   * Detaches from the loop and closes the descriptor (a device this process created disappears).
   * Idempotent; any thread. While a {@link KernelLoop} is running, the descriptor is closed on
   * its thread (this call waits for that), so the loop never waits on a closed or reused
   * descriptor; otherwise it is closed here, under the lock {@link #poll} and {@link #write}
   * hold.
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
      LOG.warn("TAP {}: the loop did not close the device ({}); closing it here", name, e.toString());
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
      Libc.closeQuietly(fd);
      if (rxFrame.refCnt() > 0) {
        rxFrame.release(); // our reference; the buffer is never read into again
      }
    }
    LOG.info("TAP {}: closed ({})", name, stats());
  }

  @Override
  public String toString() {
    return "TapNetif[" + name + ", " + mac + ", mtu " + mtu + "]";
  }
}
