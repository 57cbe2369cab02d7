package io.morgana.net.tcpip;

import io.morgana.api.Ethernet;
import io.morgana.api.Ip;
import io.morgana.api.Netif;
import io.morgana.net.tcpip.arp.ArpLayer;
import io.morgana.net.tcpip.ethernet.EthernetLayer;
import io.morgana.net.tcpip.icmp.Icmpv4Layer;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Counters;
import io.morgana.net.tcpip.ipv4.Ipv4Layer;
import io.morgana.net.tcpip.udp.UdpLayer;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole stack over one {@link Netif}: Ethernet, ARP, IPv4, ICMPv4 and UDP, composed the way
 * mirage-tcpip's {@code stack-direct} composes its layers, registered as a {@link Pollable} on the
 * {@link EventLoop} that owns it (ARP retries, cache expiry, reassembly timeouts are its
 * deadlines).
 *
 * <p>Construction may happen on any thread: attaching to the interface and applying the initial
 * {@link Ipv4Config} (which sends the RFC 5227 announcement) are handed to the loop. All protocol
 * state is touched only on the loop thread; {@code write} methods of {@link Ip}, {@link
 * io.morgana.api.Icmp} and {@link io.morgana.api.Udp} may be called from any thread.
 *
 * <p>Sends use pooled direct buffers ({@link PooledByteBufAllocator#DEFAULT}); {@link
 * #allocate(int)} gives applications a buffer with {@link #HEADROOM} reserved so that every
 * header is written in place.
 */
@Singleton
public final class TcpipStack implements Pollable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TcpipStack.class);

  /** Bytes reserved in front of a payload for the UDP, IPv4 and Ethernet headers. */
  public static final int HEADROOM = UdpLayer.HEADROOM;

  private final Netif netif;
  private final EventLoop loop;
  private final ByteBufAllocator alloc;
  private final Counters counters = new Counters();
  private final EthernetLayer ethernet;
  private final ArpLayer arp;
  private final Ipv4Layer ip;
  private final Icmpv4Layer icmp;
  private final UdpLayer udp;
  private final EventLoop.Cancellable registration;
  private volatile boolean closed;

  @Inject
  public TcpipStack(Netif netif, EventLoop loop, Ipv4Config config) {
    this(netif, loop, config, PooledByteBufAllocator.DEFAULT);
  }

  /** A stack that allocates its send buffers from {@code alloc} (tests count them). */
  TcpipStack(Netif netif, EventLoop loop, Ipv4Config config, ByteBufAllocator alloc) {
    this.alloc = alloc;
    this.netif = netif;
    this.loop = loop;
    boolean verify = !netif.offloads().rxChecksumVerified();
    AddressCache cache = new AddressCache();
    ethernet = new EthernetLayer(netif, counters, cache, alloc);
    arp = new ArpLayer(ethernet, counters, cache, alloc, loop::nowNanos);
    ip = new Ipv4Layer(loop, ethernet, arp, counters, cache, alloc, verify);
    icmp = new Icmpv4Layer(loop, ip, counters, cache, alloc, verify);
    udp = new UdpLayer(loop, ip, icmp, counters, cache, alloc, verify);
    ip.setErrorSender(icmp);
    ip.attach(Ip.PROTOCOL_ICMP, icmp);
    ip.attach(Ip.PROTOCOL_UDP, udp);
    icmp.listenErrors(Ip.PROTOCOL_UDP, udp);
    ethernet.listen(Ethernet.TYPE_ARP, (src, dst, payload) -> arp.receive(src, dst, payload, loop.nowNanos()));
    ethernet.listen(Ethernet.TYPE_IPV4, (src, dst, payload) -> ip.receive(src, dst, payload, loop.nowNanos()));
    registration = loop.register(this);
    Runnable start = () -> {
      if (!closed) {
        netif.listen(this::onFrame);
      }
    };
    if (loop.inLoop()) {
      start.run();
    } else {
      loop.execute(start);
    }
    if (config.address() != null) {
      ip.configure(config.address(), config.gateway());
    }
  }

  private void onFrame(ByteBuf frame) {
    try {
      ethernet.onFrame(frame);
    } catch (RuntimeException e) {
      counters.increment(Counter.HANDLER_FAILURES);
      log.warn("dropped a frame: a handler threw", e);
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

  /** The interface the stack runs over. */
  public Netif netif() {
    return netif;
  }

  /** A snapshot of the counters (read without synchronisation when off the loop thread). */
  public TcpipStats stats() {
    return counters.snapshot();
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
    return worked;
  }

  @Override
  public long nextDeadlineNanos() {
    return Math.min(arp.nextDeadlineNanos(), ip.nextDeadlineNanos());
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
    netif.listen(frame -> {});
    arp.close();
    ip.close();
  }
}
