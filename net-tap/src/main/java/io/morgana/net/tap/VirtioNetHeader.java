package io.morgana.net.tap;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The {@code struct virtio_net_hdr} of {@code <linux/virtio_net.h>} (virtio 1.2 §5.1.6) that a TAP
 * opened with {@code IFF_VNET_HDR} puts before every frame read and expects before every frame
 * written: the 10-byte form (no {@code num_buffers}), little-endian ({@code TUNSETVNETLE}).
 *
 * <pre>
 *   0  u8    flags         NEEDS_CSUM (1), DATA_VALID (2), RSC_INFO (4)
 *   1  u8    gso_type      NONE (0), TCPV4 (1), UDP (3), TCPV6 (4), UDP_L4 (5), | ECN (0x80)
 *   2  le16  hdr_len       bytes of Ethernet + IP + TCP headers of a GSO frame
 *   4  le16  gso_size      payload bytes per segment (the MSS) of a GSO frame
 *   6  le16  csum_start    where the partial checksum's sum starts, from the frame's first byte
 *   8  le16  csum_offset   where the checksum goes, from csum_start
 * </pre>
 *
 * <p>A reusable flyweight: {@link #read} fills the fields from a buffer, {@link #check} says
 * whether this interface can take the frame it precedes ({@link Verdict}); on transmit, {@link
 * #forTransmit} sets them for a frame the stack hands down (all zeros, "no offload", for a plain
 * one) and {@link #write} encodes them. Nothing is allocated.
 */
final class VirtioNetHeader {

  /** Bytes of the header ({@code sizeof(struct virtio_net_hdr)}, set with {@code TUNSETVNETHDRSZ}). */
  static final int LENGTH = 10;

  /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}: the L4 checksum is partial (only the pseudo-header sum). */
  static final int F_NEEDS_CSUM = 1;

  /** {@code VIRTIO_NET_HDR_F_DATA_VALID}: the checksums were verified before the frame got here. */
  static final int F_DATA_VALID = 2;

  /** {@code VIRTIO_NET_HDR_GSO_NONE}. */
  static final int GSO_NONE = 0;

  /** {@code VIRTIO_NET_HDR_GSO_TCPV4}: a TCP/IPv4 frame to be cut into {@code gso_size} segments. */
  static final int GSO_TCPV4 = 1;

  private static final int ETHERNET_HEADER = 14;
  private static final int ETHER_TYPE_OFFSET = 12;
  private static final int ETHER_TYPE_IPV4 = 0x0800;
  private static final int IPV4_PROTOCOL_OFFSET = 9;
  private static final int PROTOCOL_TCP = 6;
  private static final int PROTOCOL_UDP = 17;
  /** Where the checksum sits in a TCP header (RFC 9293 §3.1). */
  static final int TCP_CHECKSUM_OFFSET = 16;
  /** Where the checksum sits in a UDP header (RFC 768). */
  static final int UDP_CHECKSUM_OFFSET = 6;
  private static final int TCP_DATA_OFFSET_OFFSET = 12;
  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** What {@link #check} decides about the frame a header precedes. */
  enum Verdict {
    /** A frame of at most the MTU with no offload to honour. */
    PLAIN,
    /**
     * The frame's L4 checksum is partial ({@code NEEDS_CSUM}) or was verified ({@code
     * DATA_VALID}): hand it up marked as checksum-verified.
     */
    CHECKSUM_VERIFIED,
    /** A flag or GSO type this interface never negotiated (RSC_INFO, UDP, TCPV6, ECN...). */
    UNSUPPORTED,
    /** Fields inconsistent with the frame: checksum or headers past its end, zero gso_size. */
    MALFORMED,
    /** A frame above the MTU that is not a TCPV4 GSO frame. */
    OVERSIZE
  }

  int flags;
  int gsoType;
  int hdrLen;
  int gsoSize;
  int csumStart;
  int csumOffset;

  /** Reads the ten bytes at {@code index} of {@code buf} (indices unchanged). */
  VirtioNetHeader read(ByteBuf buf, int index) {
    flags = buf.getUnsignedByte(index);
    gsoType = buf.getUnsignedByte(index + 1);
    hdrLen = buf.getUnsignedShortLE(index + 2);
    gsoSize = buf.getUnsignedShortLE(index + 4);
    csumStart = buf.getUnsignedShortLE(index + 6);
    csumOffset = buf.getUnsignedShortLE(index + 8);
    return this;
  }

  /** Writes the fields as ten bytes at {@code index} of {@code buf} (indices unchanged). */
  void write(ByteBuf buf, int index) {
    buf.setByte(index, flags);
    buf.setByte(index + 1, gsoType);
    buf.setShortLE(index + 2, hdrLen);
    buf.setShortLE(index + 4, gsoSize);
    buf.setShortLE(index + 6, csumStart);
    buf.setShortLE(index + 8, csumOffset);
  }

  /** Writes the fields as ten bytes at {@code offset} of {@code segment}. */
  void write(MemorySegment segment, long offset) {
    segment.set(ValueLayout.JAVA_BYTE, offset, (byte) flags);
    segment.set(ValueLayout.JAVA_BYTE, offset + 1, (byte) gsoType);
    segment.set(SHORT_LE, offset + 2, (short) hdrLen);
    segment.set(SHORT_LE, offset + 4, (short) gsoSize);
    segment.set(SHORT_LE, offset + 6, (short) csumStart);
    segment.set(SHORT_LE, offset + 8, (short) csumOffset);
  }

  /**
   * Sets the fields for the frame of {@code length} bytes at {@code index} of {@code frame} that
   * the stack sends with {@code txFlags} and {@code segmentBytes} ({@link
   * io.morgana.api.Netif#write(ByteBuf, int, int)}): all zeros for a plain frame; {@code
   * NEEDS_CSUM} with {@code csum_start} = 14 + IHL × 4 and {@code csum_offset} 16 (TCP) or 6
   * (UDP) for a partial checksum; and, for a frame above {@code mtu + 14} with {@code segmentBytes}
   * > 0, {@code GSO_TCPV4} with {@code gso_size = segmentBytes} and {@code hdr_len} = Ethernet +
   * IPv4 + TCP headers. Reads the frame's headers, never changes them.
   *
   * @return false, leaving the fields meaningless, when the frame is not what the flags say (not
   *     IPv4, not TCP or UDP, headers past its end, above the MTU without being a TCP
   *     super-segment with a partial checksum): the caller drops it
   */
  boolean forTransmit(ByteBuf frame, int index, int length, int mtu, boolean checksumPartial, int segmentBytes) {
    flags = 0;
    gsoType = GSO_NONE;
    hdrLen = 0;
    gsoSize = 0;
    csumStart = 0;
    csumOffset = 0;
    boolean oversize = length > mtu + ETHERNET_HEADER;
    if (!checksumPartial) {
      return !oversize;
    }
    if (length < ETHERNET_HEADER + 20 || frame.getUnsignedShort(index + ETHER_TYPE_OFFSET) != ETHER_TYPE_IPV4) {
      return false;
    }
    int ihl = (frame.getUnsignedByte(index + ETHERNET_HEADER) & 0x0f) * 4;
    int protocol = frame.getUnsignedByte(index + ETHERNET_HEADER + IPV4_PROTOCOL_OFFSET);
    int l4 = ETHERNET_HEADER + ihl;
    int checksumAt = protocol == PROTOCOL_TCP ? TCP_CHECKSUM_OFFSET
        : protocol == PROTOCOL_UDP ? UDP_CHECKSUM_OFFSET : -1;
    if (ihl < 20 || checksumAt < 0 || l4 + checksumAt + 2 > length) {
      return false;
    }
    flags = F_NEEDS_CSUM;
    csumStart = l4;
    csumOffset = checksumAt;
    if (!oversize) {
      return true;
    }
    if (protocol != PROTOCOL_TCP || segmentBytes <= 0 || segmentBytes > 0xffff) {
      return false;
    }
    int headers = l4 + ((frame.getUnsignedByte(index + l4 + TCP_DATA_OFFSET_OFFSET) >>> 4) * 4);
    if (headers - l4 < 20 || headers >= length) {
      return false;
    }
    gsoType = GSO_TCPV4;
    gsoSize = segmentBytes;
    hdrLen = headers;
    return true;
  }

  /**
   * Whether a received frame of {@code frameLength} bytes (Ethernet header included, this header
   * not) that this header precedes can be handed to the stack of an interface with MTU {@code
   * mtu} that negotiated {@code TUN_F_CSUM | TUN_F_TSO4}.
   */
  Verdict check(int frameLength, int mtu) {
    boolean knownFlags = (flags & ~(F_NEEDS_CSUM | F_DATA_VALID)) == 0;
    if (!knownFlags || (gsoType != GSO_NONE && gsoType != GSO_TCPV4)) {
      return Verdict.UNSUPPORTED;
    }
    if ((flags & F_NEEDS_CSUM) != 0
        && (csumStart < ETHERNET_HEADER || csumStart + csumOffset + 2 > frameLength)) {
      return Verdict.MALFORMED;
    }
    if (gsoType == GSO_TCPV4) {
      if (gsoSize == 0 || hdrLen > frameLength || (flags & F_NEEDS_CSUM) == 0) {
        return Verdict.MALFORMED; // the kernel sends a GSO frame with a partial checksum, always
      }
    } else if (frameLength > mtu + ETHERNET_HEADER) {
      return Verdict.OVERSIZE;
    }
    return flags != 0 ? Verdict.CHECKSUM_VERIFIED : Verdict.PLAIN;
  }

  @Override
  public String toString() {
    return "virtio_net_hdr[flags=" + flags + ", gso_type=" + gsoType + ", hdr_len=" + hdrLen
        + ", gso_size=" + gsoSize + ", csum_start=" + csumStart + ", csum_offset=" + csumOffset + "]";
  }
}
