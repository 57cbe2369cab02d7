package io.morgana.api;

import io.netty.buffer.ByteBuf;

/**
 * Ethernet II framing over a {@link Netif} (IEEE 802.3 clause 3.2.6 "Length/Type" used as a
 * Type, RFC 894): demultiplexes received frames by EtherType and prepends the header to payloads
 * it sends.
 *
 * <p>802.3 length frames (type field below 0x0600) and VLAN-tagged frames are dropped and
 * counted. <b>Threads:</b> loop thread only.
 */
public interface Ethernet {

  /** Length of the Ethernet II header: destination, source, EtherType. */
  int HEADER_LENGTH = 14;

  /** EtherType of IPv4 (RFC 894). */
  int TYPE_IPV4 = 0x0800;

  /** EtherType of ARP (RFC 826). */
  int TYPE_ARP = 0x0806;

  /** EtherType of IPv6 (RFC 2464). */
  int TYPE_IPV6 = 0x86dd;

  /** The interface's address. */
  MacAddress mac();

  /** The largest payload one frame carries. */
  int mtu();

  /**
   * Sets the handler for frames of {@code etherType}, replacing an earlier one. Frames of types
   * with no handler are dropped and counted.
   */
  void listen(int etherType, EthernetHandler handler);

  /**
   * Sends {@code payload} to {@code destination} as one frame of {@code etherType}.
   *
   * <p>Takes ownership of {@code payload}. When the buffer has {@link #HEADER_LENGTH} bytes of
   * room before its reader index the header is written there and no byte is copied.
   *
   * @return whether the frame was handed to the device
   */
  boolean write(MacAddress destination, int etherType, ByteBuf payload);

  /** Receives Ethernet payloads of one EtherType. */
  @FunctionalInterface
  interface EthernetHandler {
    /**
     * Called on the loop thread; {@code payload} is borrowed (retain what you keep), the MAC
     * addresses are values.
     */
    void onPayload(MacAddress source, MacAddress destination, ByteBuf payload);
  }
}
