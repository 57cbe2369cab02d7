package io.morgana.net.tcpip.udp;

import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Udp;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.internal.Rx;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.ip.IpLayer;
import io.morgana.net.tcpip.ip.Transport;
import io.morgana.net.tcpip.ipv4.Ipv4Layer;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.net.tcpip.wire.UdpPacket;
import io.morgana.runtime.LoopBridge;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;

/**
 * UDP (RFC 768, RFC 1122 §4.1).
 *
 * <ul>
 *   <li>Received datagrams: length checked against the IP payload (trailing bytes ignored),
 *       checksum verified unless zero (no checksum) or verified by the device; delivered to the
 *       port's {@link UdpHandler}; to a closed port: counted and answered with ICMP port
 *       unreachable quoting the IP header and 8 bytes (when the datagram was unicast to us).
 *   <li>Sent datagrams: up to {@link #MAX_PAYLOAD} bytes, fragmented by IP when needed, checksum
 *       always computed (0 goes out as 0xffff; devices' transmit checksum offload is not used). Source port 0 picks the next free ephemeral port
 *       in {@link #EPHEMERAL_FIRST}..{@link #EPHEMERAL_LAST}. Payloads with {@link #HEADROOM}
 *       bytes in front get all headers in place.
 *   <li>ICMP errors about our datagrams go to the {@link UdpErrorHandler} of the local port, or
 *       the one for every port, and are counted.
 * </ul>
 *
 * <p>A {@link Transport} over an {@link IpLayer}: loop thread only, except {@link #write} (any
 * thread, through the {@link LoopBridge}).
 */
public final class UdpLayer implements Udp, Transport {

  public static final int EPHEMERAL_FIRST = 49_152;
  public static final int EPHEMERAL_LAST = 65_535;
  /** Headroom for the UDP, IPv4 and Ethernet headers. */
  public static final int HEADROOM = Ipv4Layer.HEADROOM + UdpPacket.HEADER_LENGTH;

  private final LoopBridge bridge;
  private final IpLayer ip;
  private final ProtocolCounters<UdpCounter> counters = new ProtocolCounters<>(UdpCounter.class);
  private final AddressCache cache;
  private final ByteBufAllocator alloc;
  private final LoopBridge.LoopWrite<Ipv4Address, ByteBuf> sendOnLoop = this::sendPacked;
  private final UdpPacket rx = new UdpPacket();
  private final UdpPacket quotedRx = new UdpPacket();
  private final IntObjectHashMap<UdpHandler> listeners = new IntObjectHashMap<>();
  private final IntObjectHashMap<UdpErrorHandler> errorHandlers = new IntObjectHashMap<>();
  private UdpErrorHandler anyPortErrors;
  private int nextEphemeral = EPHEMERAL_FIRST;

  public UdpLayer(LoopBridge bridge, IpLayer ip, AddressCache cache, ByteBufAllocator alloc) {
    this.bridge = bridge;
    this.ip = ip;
    this.cache = cache;
    this.alloc = alloc;
  }

  /** This layer's counters. */
  public ProtocolCounters<UdpCounter> counters() {
    return counters;
  }

  @Override
  public int protocol() {
    return Ip.PROTOCOL_UDP;
  }

  @Override
  public void listen(int port, UdpHandler handler) {
    checkPort(port);
    if (listeners.containsKey(port)) {
      throw new IllegalStateException("UDP port " + port + " already has a handler");
    }
    listeners.put(port, handler);
  }

  @Override
  public void unlisten(int port) {
    listeners.remove(port);
  }

  /** Sends ICMP errors about datagrams sent from {@code port} to {@code handler} (null removes). */
  public void listenErrors(int port, UdpErrorHandler handler) {
    checkPort(port);
    if (handler == null) {
      errorHandlers.remove(port);
    } else {
      errorHandlers.put(port, handler);
    }
  }

  /** Sends ICMP errors about datagrams from ports without their own error handler to {@code handler}. */
  public void listenErrors(UdpErrorHandler handler) {
    anyPortErrors = handler;
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("UDP port must be 1..65535, got " + port);
    }
  }

  /** The next ephemeral port (49152–65535) that has no listener, round robin. */
  public int ephemeralPort() {
    for (int i = 0; i <= EPHEMERAL_LAST - EPHEMERAL_FIRST; i++) {
      int p = nextEphemeral;
      nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (!listeners.containsKey(p)) {
        return p;
      }
    }
    throw new IllegalStateException("every ephemeral UDP port has a listener");
  }

  // ---------------------------------------------------------------- receive

  @Override
  public void receive(Ipv4Packet header, ByteBuf payload, int rxFlags, long now) {
    try {
      rx.wrap(payload, payload.readerIndex(), payload.readableBytes()).check();
    } catch (MalformedPacketException e) {
      counters.increment(UdpCounter.RX_DROP_MALFORMED);
      return;
    }
    if (!Rx.has(rxFlags, Rx.CHECKSUM_VERIFIED)) {
      try {
        rx.verifyChecksum(header.source(), header.destination());
      } catch (MalformedPacketException e) {
        counters.increment(UdpCounter.RX_DROP_BAD_CHECKSUM);
        return;
      }
    }
    int dport = rx.destinationPort();
    UdpHandler h = listeners.get(dport);
    if (h == null) {
      counters.increment(UdpCounter.RX_DROP_NO_LISTENER);
      if (ip.isOurUnicast(header.destination())) {
        ip.reportError(IcmpPacket.TYPE_DESTINATION_UNREACHABLE, IcmpPacket.CODE_PORT_UNREACHABLE, 0, header, rxFlags, now);
      }
      return;
    }
    int sport = rx.sourcePort();
    int start = rx.payloadOffset();
    payload.setIndex(start, start + rx.payloadLength());
    counters.increment(UdpCounter.RX_DATAGRAMS);
    h.onDatagram(cache.ipv4(header.source()), sport, cache.ipv4(header.destination()), dport, payload);
  }

  @Override
  public void onIcmpError(int type, int code, int restOfHeader, Ipv4Packet quoted, long now) {
    try {
      quotedRx.wrap(quoted.buffer(), quoted.payloadOffset(), quoted.availablePayloadLength()).checkPorts();
    } catch (MalformedPacketException e) {
      counters.increment(UdpCounter.RX_ICMP_ERRORS_MALFORMED);
      return;
    }
    counters.increment(UdpCounter.RX_ICMP_ERRORS);
    int localPort = quotedRx.sourcePort();
    UdpErrorHandler h = errorHandlers.get(localPort);
    if (h == null) {
      h = anyPortErrors;
    }
    if (h != null) {
      h.onError(cache.ipv4(quoted.destination()), quotedRx.destinationPort(), localPort, type, code);
    }
  }

  // ---------------------------------------------------------------- send

  @Override
  public boolean write(Ipv4Address destination, int destinationPort, int sourcePort, ByteBuf payload) {
    // Refusals that need no loop state are answered at once, from any thread.
    if (payload.readableBytes() > MAX_PAYLOAD) {
      return refuseFromAnyThread(payload, UdpCounter.TX_DROP_TOO_BIG);
    }
    if ((destinationPort & ~0xffff) != 0 || (sourcePort & ~0xffff) != 0) {
      return refuseFromAnyThread(payload, UdpCounter.TX_DROP_BAD_PORT);
    }
    if (ip.refusedAsLoopback(destination, payload)) {
      return false;
    }
    return bridge.write(sendOnLoop, destination, ((long) destinationPort << 16) | sourcePort, payload);
  }

  private boolean refuseFromAnyThread(ByteBuf payload, UdpCounter why) {
    payload.release();
    bridge.post(() -> counters.increment(why));
    return false;
  }

  private boolean sendPacked(Ipv4Address destination, long ports, ByteBuf payload, long now) {
    return send(destination, (int) (ports >>> 16) & 0xffff, (int) ports & 0xffff, payload, now);
  }

  /** {@link #write} on the loop thread at {@code now}. Takes ownership of {@code payload}. */
  public boolean send(Ipv4Address destination, int destinationPort, int sourcePort, ByteBuf payload, long now) {
    int len = payload.readableBytes();
    if (len > MAX_PAYLOAD) {
      payload.release();
      counters.increment(UdpCounter.TX_DROP_TOO_BIG);
      return false;
    }
    if ((destinationPort & ~0xffff) != 0 || (sourcePort & ~0xffff) != 0) {
      payload.release();
      counters.increment(UdpCounter.TX_DROP_BAD_PORT);
      return false;
    }
    int sport = sourcePort == 0 ? ephemeralPort() : sourcePort;
    ByteBuf d = Buffers.prepend(payload, UdpPacket.HEADER_LENGTH, ip.headroom(), alloc);
    // The device completes the checksum of a datagram that leaves whole; a fragmented one's is ours.
    boolean partial = ip.offloads().txChecksum() && len + UdpPacket.HEADER_LENGTH <= ip.mtu();
    UdpPacket.emitHeader(d, d.readerIndex(), sport, destinationPort, len + UdpPacket.HEADER_LENGTH,
        ip.sourceFor(destination).toInt(), destination.toInt(), partial);
    counters.increment(UdpCounter.TX_DATAGRAMS);
    return ip.send(destination, Ip.PROTOCOL_UDP, d, 0, partial ? Tx.CHECKSUM_PARTIAL : 0, now);
  }
}
