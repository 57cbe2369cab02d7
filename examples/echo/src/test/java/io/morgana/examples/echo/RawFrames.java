package io.morgana.examples.echo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Hand-built Ethernet/IPv4/UDP/ICMP frames for the hostile-input interop tests, written from the
 * RFC diagrams here rather than with Morgana's own {@code wire} codecs, so that a bug in those
 * codecs cannot hide itself. Addresses are dotted strings and MACs colon-separated; checksums are
 * computed unless a test deliberately spoils them.
 */
final class RawFrames {

  static final int ETHERTYPE_IPV4 = 0x0800;
  static final int PROTO_ICMP = 1;
  static final int PROTO_UDP = 17;
  static final int MF = 0x2000;

  private RawFrames() {}

  /** An Ethernet II frame: destination, source, EtherType, payload. */
  static byte[] ethernet(String dstMac, String srcMac, int type, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
    b.put(mac(dstMac)).put(mac(srcMac)).putShort((short) type).put(payload);
    return b.array();
  }

  /**
   * An IPv4 datagram (RFC 791): {@code fragment} is the flags-and-offset word (offset in 8-byte
   * units, {@link #MF}), {@code options} a multiple of 4 bytes (empty for none).
   */
  static byte[] ipv4(String src, String dst, int protocol, int id, int fragment, byte[] options, byte[] payload) {
    if (options.length % 4 != 0) {
      throw new IllegalArgumentException("options must be padded to 4 bytes");
    }
    int hl = 20 + options.length;
    ByteBuffer b = ByteBuffer.allocate(hl + payload.length);
    b.put((byte) (0x40 | hl / 4)).put((byte) 0).putShort((short) (hl + payload.length));
    b.putShort((short) id).putShort((short) fragment);
    b.put((byte) 64).put((byte) protocol).putShort((short) 0);
    b.put(ip(src)).put(ip(dst)).put(options).put(payload);
    byte[] a = b.array();
    int sum = checksum(a, 0, hl, 0);
    a[10] = (byte) (sum >>> 8);
    a[11] = (byte) sum;
    return a;
  }

  /** A UDP datagram (RFC 768) with its pseudo-header checksum. */
  static byte[] udp(String src, String dst, int sourcePort, int destinationPort, byte[] data) {
    int length = 8 + data.length;
    ByteBuffer b = ByteBuffer.allocate(length);
    b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) length).putShort((short) 0);
    b.put(data);
    byte[] a = b.array();
    ByteBuffer pseudo = ByteBuffer.allocate(12);
    pseudo.put(ip(src)).put(ip(dst)).put((byte) 0).put((byte) PROTO_UDP).putShort((short) length);
    int sum = checksum(a, 0, length, partial(pseudo.array(), 0, 12, 0));
    if (sum == 0) {
      sum = 0xffff;
    }
    a[6] = (byte) (sum >>> 8);
    a[7] = (byte) sum;
    return a;
  }

  /** An ICMP echo request (RFC 792): identifier, sequence number, data. */
  static byte[] icmpEcho(int identifier, int sequence, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + data.length);
    b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) identifier).putShort((short) sequence);
    b.put(data);
    byte[] a = b.array();
    int sum = checksum(a, 0, a.length, 0);
    a[2] = (byte) (sum >>> 8);
    a[3] = (byte) sum;
    return a;
  }

  /** {@code datagram}'s payload (after its header) cut into IPv4 fragments of {@code piece} bytes. */
  static byte[][] fragments(String src, String dst, int protocol, int id, byte[] payload, int piece) {
    if (piece % 8 != 0) {
      throw new IllegalArgumentException("fragment payloads are multiples of 8 bytes");
    }
    int n = (payload.length + piece - 1) / piece;
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      int from = i * piece;
      int to = Math.min(payload.length, from + piece);
      byte[] part = java.util.Arrays.copyOfRange(payload, from, to);
      int word = (from / 8) | (i < n - 1 ? MF : 0);
      out[i] = ipv4(src, dst, protocol, id, word, new byte[0], part);
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  static String hex(byte[] frame) {
    StringBuilder s = new StringBuilder(frame.length * 2);
    for (byte x : frame) {
      s.append(Character.forDigit((x >>> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return s.toString();
  }

  static byte[] mac(String mac) {
    String[] p = mac.split(":");
    byte[] m = new byte[6];
    for (int i = 0; i < 6; i++) {
      m[i] = (byte) Integer.parseInt(p[i], 16);
    }
    return m;
  }

  static byte[] ip(String dotted) {
    String[] p = dotted.split("\\.");
    byte[] a = new byte[4];
    for (int i = 0; i < 4; i++) {
      a[i] = (byte) Integer.parseInt(p[i]);
    }
    return a;
  }

  private static long partial(byte[] a, int from, int length, long sum) {
    for (int i = 0; i < length; i += 2) {
      int hi = a[from + i] & 0xff;
      int lo = i + 1 < length ? a[from + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    return sum;
  }

  private static int checksum(byte[] a, int from, int length, long initial) {
    long sum = partial(a, from, length, initial);
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
