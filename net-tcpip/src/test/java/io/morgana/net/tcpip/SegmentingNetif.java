package io.morgana.net.tcpip;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.net.tcpip.wire.Checksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A test {@link Netif} that does in software what a TAP's kernel side does with a {@code
 * virtio_net_hdr} (Linux {@code skb_checksum_help}, {@code tcp_gso_segment}): completes partial
 * TCP/UDP checksums and cuts TCP super-segments into segments of the given size — same headers,
 * sequence numbers advanced, IPv4 identification incremented, lengths and checksums recomputed,
 * FIN and PSH on the last only — and sends the result through {@code inner}, which need offload
 * nothing. Counts what it was handed, so a test can tell that the stack used the offloads.
 */
final class SegmentingNetif implements Netif {

  private static final int ETHERNET = 14;
  private static final int FIN_PSH = 0x01 | 0x08;

  private final Netif inner;
  private final Offloads offloads;
  long superSegments;
  long partialChecksums;
  int largestFrame;

  SegmentingNetif(Netif inner, int maxSegmentBytes) {
    this.inner = inner;
    this.offloads = new Offloads(false, true, maxSegmentBytes);
  }

  @Override
  public MacAddress mac() {
    return inner.mac();
  }

  @Override
  public int mtu() {
    return inner.mtu();
  }

  @Override
  public Offloads offloads() {
    return offloads;
  }

  @Override
  public NetifStats stats() {
    return inner.stats();
  }

  @Override
  public void listen(FrameHandler handler) {
    inner.listen(handler);
  }

  @Override
  public boolean write(ByteBuf frame) {
    return inner.write(frame);
  }

  @Override
  public boolean write(ByteBuf frame, int txFlags, int segmentBytes) {
    int length = frame.readableBytes();
    largestFrame = Math.max(largestFrame, length);
    if (txFlags == 0) {
      return inner.write(frame);
    }
    partialChecksums++;
    int at = frame.readerIndex();
    int l4 = ETHERNET + (frame.getUnsignedByte(at + ETHERNET) & 0x0f) * 4;
    int protocol = frame.getUnsignedByte(at + ETHERNET + 9);
    if (length <= mtu() + ETHERNET) {
      complete(frame, at, l4, protocol, length);
      return inner.write(frame);
    }
    superSegments++;
    try {
      int headers = l4 + (frame.getUnsignedByte(at + l4 + 12) >>> 4) * 4;
      int payload = length - headers;
      int seq = frame.getInt(at + l4 + 4);
      int id = frame.getUnsignedShort(at + ETHERNET + 4);
      int flags = frame.getUnsignedByte(at + l4 + 13);
      boolean ok = true;
      for (int off = 0, i = 0; off < payload; off += segmentBytes, i++) {
        int n = Math.min(segmentBytes, payload - off);
        boolean last = off + n == payload;
        ByteBuf s = Unpooled.directBuffer(headers + n);
        s.writeBytes(frame, at, headers).writeBytes(frame, at + headers + off, n);
        s.setShort(ETHERNET + 2, headers - ETHERNET + n);
        s.setShort(ETHERNET + 4, id + i);
        s.setShort(ETHERNET + 10, 0);
        s.setShort(ETHERNET + 10, Checksum.compute(s, ETHERNET, l4 - ETHERNET));
        s.setInt(l4 + 4, seq + off);
        s.setByte(l4 + 13, last ? flags : flags & ~FIN_PSH);
        int tcpLength = headers - l4 + n;
        s.setShort(l4 + 16, Checksum.fold(Checksum.pseudoHeader(
            s.getInt(ETHERNET + 12), s.getInt(ETHERNET + 16), protocol, tcpLength)));
        complete(s, 0, l4, protocol, headers + n);
        ok &= inner.write(s);
      }
      return ok;
    } finally {
      frame.release();
    }
  }

  /** What the device does with {@code NEEDS_CSUM}: sums from the L4 header on, field included. */
  private static void complete(ByteBuf frame, int at, int l4, int protocol, int length) {
    int field = at + l4 + (protocol == 6 ? 16 : 6);
    int sum = Checksum.finish(Checksum.sum(frame, at + l4, length - l4, 0));
    frame.setShort(field, protocol == 17 && sum == 0 ? 0xffff : sum);
  }

  @Override
  public void close() {
    inner.close();
  }
}
