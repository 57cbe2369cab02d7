package io.morgana.net.tcpip.ethernet;

import io.morgana.api.Ethernet;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.net.tcpip.Counter;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.Counters;
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
 * the header: nothing is copied or allocated. Outgoing payloads with 14 bytes of headroom get
 * their header in place when they are writable and not shared ({@code refCnt() == 1}); others are
 * copied into a pooled direct buffer (a retained duplicate of a received frame, for example, so
 * that echoing a borrowed buffer never scribbles over memory someone else still reads).
 *
 * <p>Loop thread only.
 */
public final class EthernetLayer implements Ethernet {

  private final Netif netif;
  private final MacAddress mac;
  private final long macBits;
  private final Counters counters;
  private final AddressCache addresses;
  private final ByteBufAllocator alloc;
  private final EthernetFrame rx = new EthernetFrame();
  private int[] types = new int[0];
  private EthernetHandler[] handlers = new EthernetHandler[0];

  public EthernetLayer(Netif netif, Counters counters, AddressCache addresses, ByteBufAllocator alloc) {
    this.netif = netif;
    this.mac = netif.mac();
    this.macBits = mac.toLong();
    this.counters = counters;
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

  @Override
  public void listen(int etherType, EthernetHandler handler) {
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
  public void onFrame(ByteBuf frame) {
    counters.increment(Counter.ETHERNET_RX_FRAMES);
    try {
      rx.wrap(frame, frame.readerIndex(), frame.readableBytes()).check();
    } catch (MalformedPacketException e) {
      counters.increment(Counter.ETHERNET_RX_DROP_TRUNCATED);
      return;
    }
    int type = rx.etherType();
    if (EthernetFrame.isLengthField(type)) {
      counters.increment(Counter.ETHERNET_RX_DROP_LENGTH_FRAME);
      return;
    }
    if (EthernetFrame.isVlanTag(type)) {
      counters.increment(Counter.ETHERNET_RX_DROP_VLAN);
      return;
    }
    long dst = rx.destination();
    MacAddress destination;
    if (dst == macBits) {
      destination = mac;
    } else if (dst == MacAddress.BROADCAST.toLong()) {
      destination = MacAddress.BROADCAST;
    } else {
      counters.increment(Counter.ETHERNET_RX_DROP_NOT_FOR_US);
      return;
    }
    EthernetHandler handler = null;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == type) {
        handler = handlers[i];
        break;
      }
    }
    if (handler == null) {
      counters.increment(Counter.ETHERNET_RX_DROP_UNKNOWN_TYPE);
      return;
    }
    MacAddress source = addresses.mac(rx.source());
    frame.setIndex(rx.payloadOffset(), rx.payloadOffset() + rx.payloadLength());
    handler.onPayload(source, destination, frame);
  }

  @Override
  public boolean write(MacAddress destination, int etherType, ByteBuf payload) {
    return write(destination.toLong(), etherType, payload);
  }

  /** As {@link #write(MacAddress, int, ByteBuf)} with the destination as 48 bits. */
  public boolean write(long destination, int etherType, ByteBuf payload) {
    if (payload.readableBytes() > netif.mtu()) {
      payload.release();
      counters.increment(Counter.ETHERNET_TX_DROP_TOO_LONG);
      return false;
    }
    ByteBuf frame = Buffers.prepend(payload, EthernetFrame.HEADER_LENGTH, 0, alloc);
    EthernetFrame.emitHeader(frame, frame.readerIndex(), destination, macBits, etherType);
    if (netif.write(frame)) {
      counters.increment(Counter.ETHERNET_TX_FRAMES);
      return true;
    }
    counters.increment(Counter.ETHERNET_TX_DROP_DEVICE);
    return false;
  }
}
