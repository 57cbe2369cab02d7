package io.morgana.net.tcpip.ethernet;

import io.morgana.api.Ethernet;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.Offloads;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.internal.Rx;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.wire.EthernetFrame;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * {@link Ethernet} over a {@link Netif} (RFC 894). Accepts frames addressed to our MAC or to
 * broadcast; drops and counts truncated frames, IEEE 802.3 length frames, VLAN-tagged frames,
 * frames for other stations or multicast groups, and EtherTypes nobody listens to.
 *
 * <p>Received payloads are handed up as the frame buffer itself with its reader index moved past
 * the header: nothing is copied or allocated. Outgoing payloads get their header in place only
 * under the stack's ownership rule ({@link io.morgana.net.tcpip.internal.Buffers}); others are
 * copied once into a pooled direct buffer.
 *
 * <p>Inside the stack, ARP and IPv4 attach as {@link Receiver}s and get each payload with its
 * arrival time and {@link Rx} flags ({@link Rx#LINK_BROADCAST} set here for a broadcast frame);
 * the public {@link #listen} adapts an application's {@link EthernetHandler} to the same path.
 * A receiver that throws costs the frame, counted as {@link EthernetCounter#RX_HANDLER_FAILURES},
 * never the loop.
 *
 * <p>Loop thread only.
 */
public final class EthernetLayer implements Ethernet {

  private final Netif netif;
  private final MacAddress mac;
  private final long macBits;
  private final Offloads offloads;
  private final ProtocolCounters<EthernetCounter> counters = new ProtocolCounters<>(EthernetCounter.class);
  private final AddressCache addresses;
  private final ByteBufAllocator alloc;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EthernetLayer.class);

  private final EthernetFrame rx = new EthernetFrame();
  private boolean loggedHandlerFailure;
  private int[] types = new int[0];
  private Receiver[] handlers = new Receiver[0];

  /** A protocol above Ethernet inside the stack. Loop thread only. */
  @FunctionalInterface
  public interface Receiver {
    /**
     * One payload of the receiver's EtherType (borrowed; readable bytes are the payload).
     *
     * @param rxFlags {@link Rx} flags of the frame
     * @param now the frame's arrival time
     */
    void receive(MacAddress source, ByteBuf payload, int rxFlags, long now);
  }

  public EthernetLayer(Netif netif, AddressCache addresses, ByteBufAllocator alloc) {
    this.netif = netif;
    this.mac = netif.mac();
    this.macBits = mac.toLong();
    this.offloads = netif.offloads();
    this.addresses = addresses;
    this.alloc = alloc;
    addresses.remember(mac);
  }

  @Override
  public MacAddress mac() {
    return mac;
  }

  @Override
  public int mtu() {
    return netif.mtu();
  }

  /** The device's offloads, read once when the layer is built (a device's do not change). */
  public Offloads offloads() {
    return offloads;
  }

  /** This layer's counters. */
  public ProtocolCounters<EthernetCounter> counters() {
    return counters;
  }

  @Override
  public void listen(int etherType, EthernetHandler handler) {
    attach(etherType, (source, payload, rxFlags, now) ->
        handler.onPayload(source, Rx.has(rxFlags, Rx.LINK_BROADCAST) ? MacAddress.BROADCAST : mac, payload));
  }

  /** Attaches {@code receiver} to {@code etherType}, replacing an earlier one. */
  public void attach(int etherType, Receiver receiver) {
    Receiver handler = receiver;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == etherType) {
        handlers[i] = handler;
        return;
      }
    }
    types = Arrays.copyOf(types, types.length + 1);
    handlers = Arrays.copyOf(handlers, handlers.length + 1);
    types[types.length - 1] = etherType;
    handlers[handlers.length - 1] = handler;
  }

  /**
   * The {@link Netif.FrameHandler} of the stack: validates and demultiplexes one frame
   * (borrowed). May move {@code frame}'s indices.
   */
  public void onFrame(ByteBuf frame, long arrivalNanos, int deviceFlags) {
    counters.increment(EthernetCounter.RX_FRAMES);
    try {
      rx.wrap(frame, frame.readerIndex(), frame.readableBytes()).check();
    } catch (MalformedPacketException e) {
      counters.increment(EthernetCounter.RX_DROP_TRUNCATED);
      return;
    }
    int type = rx.etherType();
    if (EthernetFrame.isLengthField(type)) {
      counters.increment(EthernetCounter.RX_DROP_LENGTH_FRAME);
      return;
    }
    if (EthernetFrame.isVlanTag(type)) {
      counters.increment(EthernetCounter.RX_DROP_VLAN);
      return;
    }
    long dst = rx.destination();
    int rxFlags = deviceFlags & Rx.CHECKSUM_VERIFIED;
    if (dst == MacAddress.BROADCAST.toLong()) {
      rxFlags |= Rx.LINK_BROADCAST;
    } else if (dst != macBits) {
      counters.increment(EthernetCounter.RX_DROP_NOT_FOR_US);
      return;
    }
    Receiver handler = null;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == type) {
        handler = handlers[i];
        break;
      }
    }
    if (handler == null) {
      counters.increment(EthernetCounter.RX_DROP_UNKNOWN_TYPE);
      return;
    }
    MacAddress source = addresses.mac(rx.source());
    frame.setIndex(rx.payloadOffset(), rx.payloadOffset() + rx.payloadLength());
    try {
      handler.receive(source, frame, rxFlags, arrivalNanos);
    } catch (RuntimeException e) {
      counters.increment(EthernetCounter.RX_HANDLER_FAILURES);
      if (!loggedHandlerFailure) {
        loggedHandlerFailure = true; // once: a peer that triggers a bug must not flood the log
        LOG.warn("dropped a frame: a receiver threw (logged once; counted as ethernet.RX_HANDLER_FAILURES)", e);
      }
    }
  }

  @Override
  public boolean write(MacAddress destination, int etherType, ByteBuf payload) {
    return write(destination.toLong(), etherType, payload);
  }

  /** As {@link #write(MacAddress, int, ByteBuf)} with the destination as 48 bits. */
  public boolean write(long destination, int etherType, ByteBuf payload) {
    return write(destination, etherType, payload, 0);
  }

  /**
   * As {@link #write(long, int, ByteBuf)} with the packet's {@link Tx} metadata for the device: a
   * payload above the MTU passes only as a super-segment ({@link Tx#segmentBytes} > 0) to a
   * device whose {@link Offloads#maxSegmentBytes()} is above 0.
   */
  public boolean write(long destination, int etherType, ByteBuf payload, int tx) {
    if (payload.readableBytes() > netif.mtu() && (Tx.segmentBytes(tx) == 0 || offloads.maxSegmentBytes() == 0)) {
      payload.release();
      counters.increment(EthernetCounter.TX_DROP_TOO_LONG);
      return false;
    }
    ByteBuf frame = Buffers.prepend(payload, EthernetFrame.HEADER_LENGTH, 0, alloc);
    EthernetFrame.emitHeader(frame, frame.readerIndex(), destination, macBits, etherType);
    if (tx == 0 ? netif.write(frame) : netif.write(frame, Tx.flags(tx), Tx.segmentBytes(tx))) {
      counters.increment(EthernetCounter.TX_FRAMES);
      return true;
    }
    counters.increment(EthernetCounter.TX_DROP_DEVICE);
    return false;
  }
}
