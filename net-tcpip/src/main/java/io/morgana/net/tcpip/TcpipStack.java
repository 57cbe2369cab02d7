package io.morgana.net.tcpip;

import io.morgana.api.Ethernet;
import io.morgana.api.Ip;
import io.morgana.api.Netif;
import io.morgana.net.tcpip.arp.ArpLayer;
import io.morgana.net.tcpip.ethernet.EthernetLayer;
import io.morgana.net.tcpip.icmp.Icmpv4Layer;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.ipv4.Ipv4Layer;
import io.morgana.net.tcpip.ipv4.ReassemblyLimits;
import io.morgana.net.tcpip.tcp.TcpLayer;
import io.morgana.net.tcpip.tcp.TcpService;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.morgana.net.tcpip.udp.UdpLayer;
import io.morgana.runtime.Entropy;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.Optional;

/**
 * The whole stack over one {@link Netif}: Ethernet, ARP, IPv4, ICMPv4, UDP and TCP, composed the way
 * mirage-tcpip's {@code stack-direct} composes its layers, registered as a {@link Pollable} on the
 * {@link EventLoop} that owns it (ARP retries, cache expiry, reassembly timeouts are its
 * deadlines).
 *
 * <p>The layers are loop-confined state machines composed through small interfaces: Ethernet
 * below ARP and IPv4 ({@link EthernetLayer.Receiver}), the {@link io.morgana.net.tcpip.ip.IpLayer}
 * below the transports ({@link io.morgana.net.tcpip.ip.Transport}: ICMP, UDP), each edge pointing
 * down; each frame travels up with its arrival time and {@link io.morgana.net.tcpip.internal.Rx}
 * flags. Each layer owns its counters; {@link #stats()} gathers them.
 *
 * <p>Construction may happen on any thread: attaching to the interface and applying the initial
 * {@link Ipv4Config} (which sends the RFC 5227 announcement) cross to the loop through the {@link
 * LoopBridge}, as do the any-thread {@code write} methods of {@link Ip}, {@link
 * io.morgana.api.Icmp} and {@link io.morgana.api.Udp}. Everything else runs on the loop thread.
 *
 * <p>Sends use pooled direct buffers ({@link PooledByteBufAllocator#DEFAULT}); {@link
 * #allocate(int)} gives applications a buffer with {@link #HEADROOM} reserved so that every
 * header is written in place.
 */
public final class TcpipStack implements Pollable, AutoCloseable {

  /** Bytes reserved in front of a payload for the UDP, IPv4 and Ethernet headers. */
  public static final int HEADROOM = UdpLayer.HEADROOM;

  private final Netif netif;
  private final ByteBufAllocator alloc;
  private final EthernetLayer ethernet;
  private final ArpLayer arp;
  private final Ipv4Layer ip;
  private final Icmpv4Layer icmp;
  private final UdpLayer udp;
  private final TcpLayer tcp;
  private final TcpService tcpService;
  private final EventLoop.Cancellable registration;
  private volatile boolean closed;

  /** A stack with Linux's reassembly limits. */
  public TcpipStack(Netif netif, EventLoop loop, Ipv4Config config) {
    this(netif, loop, config, Optional.empty());
  }

  /** A stack with the given reassembly limits, or Linux's when empty. */
  public TcpipStack(Netif netif, EventLoop loop, Ipv4Config config, Optional<ReassemblyLimits> reassembly) {
    this(netif, loop, config, reassembly.orElse(ReassemblyLimits.LINUX_DEFAULTS), PooledByteBufAllocator.DEFAULT,
        TcpSettings.DEFAULTS);
  }

  /** A stack with the given TCP settings (tests, tools). */
  public TcpipStack(Netif netif, EventLoop loop, Ipv4Config config, TcpSettings tcp) {
    this(netif, loop, config, ReassemblyLimits.LINUX_DEFAULTS, PooledByteBufAllocator.DEFAULT, tcp);
  }

  /** A stack that allocates its send buffers from {@code alloc} (tests count them). */
  TcpipStack(Netif netif, EventLoop loop, Ipv4Config config, ByteBufAllocator alloc) {
    this(netif, loop, config, ReassemblyLimits.LINUX_DEFAULTS, alloc, TcpSettings.DEFAULTS);
  }

  /** A stack with the given allocator (tests count its buffers) and TCP settings. */
  public TcpipStack(Netif netif, EventLoop loop, Ipv4Config config, ByteBufAllocator alloc, TcpSettings tcp) {
    this(netif, loop, config, ReassemblyLimits.LINUX_DEFAULTS, alloc, tcp);
  }

  TcpipStack(Netif netif, EventLoop loop, Ipv4Config config, ReassemblyLimits reassembly, ByteBufAllocator alloc,
      TcpSettings tcpSettings) {
    this.alloc = alloc;
    this.netif = netif;
    LoopBridge bridge = new LoopBridge(loop);
    AddressCache cache = new AddressCache();
    ethernet = new EthernetLayer(netif, cache, alloc);
    arp = new ArpLayer(ethernet, cache, alloc, loop::nowNanos);
    Entropy entropy = loop.entropy();
    ip = new Ipv4Layer(bridge, ethernet, arp, cache, alloc, reassembly, entropy);
    icmp = new Icmpv4Layer(bridge, ip, cache, alloc);
    udp = new UdpLayer(bridge, ip, cache, alloc);
    ip.register(icmp);
    tcp = new TcpLayer(ip, cache, alloc, tcpSettings, entropy);
    tcpService = new TcpService(bridge, tcp);
    ip.register(udp);
    ip.register(tcp);
    ethernet.attach(Ethernet.TYPE_ARP, arp::receive);
    ethernet.attach(Ethernet.TYPE_IPV4, ip::receive);
    registration = loop.register(this);
    bridge.post(() -> {
      if (!closed) {
        netif.listen(ethernet::onFrame);
      }
    });
    if (config.address() != null) {
      ip.configure(config.address(), config.gateway());
    }
  }

  public EthernetLayer ethernet() {
    return ethernet;
  }

  public ArpLayer arp() {
    return arp;
  }

  public Ipv4Layer ip() {
    return ip;
  }

  public Icmpv4Layer icmp() {
    return icmp;
  }

  public UdpLayer udp() {
    return udp;
  }

  public TcpLayer tcpLayer() {
    return tcp;
  }

  /** The blocking {@link io.morgana.api.Tcp} over {@link #tcpLayer()}. */
  public TcpService tcp() {
    return tcpService;
  }

  /** The interface the stack runs over. */
  public Netif netif() {
    return netif;
  }

  /** A snapshot of the counters (read without synchronisation when off the loop thread). */
  public TcpipStats stats() {
    return new TcpipStats(List.of(ethernet.counters(), arp.counters(), ip.counters(), icmp.counters(), udp.counters(),
        tcp.counters()));
  }

  /**
   * A pooled direct buffer for a payload of up to {@code payloadCapacity} bytes, with {@link
   * #HEADROOM} bytes reserved in front (reader and writer index at the payload's start): writing
   * it through {@link io.morgana.api.Udp#write} copies nothing.
   */
  public ByteBuf allocate(int payloadCapacity) {
    ByteBuf b = alloc.directBuffer(HEADROOM + payloadCapacity);
    b.setIndex(HEADROOM, HEADROOM);
    return b;
  }

  @Override
  public boolean poll(long nowNanos) {
    boolean worked = arp.poll(nowNanos);
    worked |= ip.poll(nowNanos);
    worked |= tcp.poll(nowNanos);
    return worked;
  }

  @Override
  public long nextDeadlineNanos() {
    return Math.min(Math.min(arp.nextDeadlineNanos(), ip.nextDeadlineNanos()), tcp.nextDeadlineNanos());
  }

  /**
   * Detaches from the loop and the interface and releases queued packets and reassembly buffers.
   * Does not close the interface (its owner does). Call on the loop thread, or when the loop no
   * longer runs.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    registration.cancel();
    netif.listen((frame, arrivalNanos, flags) -> {});
    tcp.close();
    arp.close();
    ip.close();
  }
}
