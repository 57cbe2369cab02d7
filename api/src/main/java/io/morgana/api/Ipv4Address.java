package io.morgana.api;

import io.netty.buffer.ByteBuf;

/**
 * An IPv4 address (RFC 791 §3.2), immutable, held as a 32-bit value.
 *
 * <p>Text form is the dotted quad of RFC 1123 §2.1, {@code 192.0.2.2}: four decimal numbers from
 * 0 to 255, no leading zeros (which some parsers read as octal), no other characters.
 */
public final class Ipv4Address implements Comparable<Ipv4Address> {

  /** Number of bytes in an IPv4 address on the wire. */
  public static final int LENGTH = 4;

  /** {@code 0.0.0.0}: "this host", the unspecified address. */
  public static final Ipv4Address ANY = new Ipv4Address(0);

  /** {@code 255.255.255.255}: the limited broadcast address (RFC 919, RFC 1122 §3.2.1.3). */
  public static final Ipv4Address BROADCAST = new Ipv4Address(0xffff_ffff);

  /** {@code 127.0.0.1}. */
  public static final Ipv4Address LOOPBACK = new Ipv4Address(0x7f00_0001);

  private final int bits;

  private Ipv4Address(int bits) {
    this.bits = bits;
  }

  /** The address whose value, most significant byte first, is {@code bits}. */
  public static Ipv4Address of(int bits) {
    return switch (bits) {
      case 0 -> ANY;
      case 0xffff_ffff -> BROADCAST;
      default -> new Ipv4Address(bits);
    };
  }

  /** The address {@code a.b.c.d}; each part must be in 0..255. */
  public static Ipv4Address of(int a, int b, int c, int d) {
    if ((a | b | c | d) >>> 8 != 0) {
      throw new IllegalArgumentException(
          "IPv4 address parts must be 0..255: " + a + "." + b + "." + c + "." + d);
    }
    return of((a << 24) | (b << 16) | (c << 8) | d);
  }

  /** The address held in four bytes, most significant first. */
  public static Ipv4Address of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an IPv4 address has 4 bytes, got " + bytes.length);
    }
    return of(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
  }

  /** Reads four bytes at absolute index {@code index} of {@code buf} without moving its indices. */
  public static Ipv4Address readFrom(ByteBuf buf, int index) {
    return of(buf.getInt(index));
  }

  /**
   * Parses a dotted quad.
   *
   * @throws IllegalArgumentException quoting the text when it is not a dotted quad
   */
  public static Ipv4Address parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 15) {
      throw malformed(text);
    }
    int value = 0;
    int parts = 0;
    int i = 0;
    int n = text.length();
    while (i <= n) {
      int start = i;
      int part = 0;
      while (i < n && text.charAt(i) != '.') {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          throw malformed(text);
        }
        part = part * 10 + (c - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || len > 3 || part > 255 || (len > 1 && text.charAt(start) == '0')) {
        throw malformed(text);
      }
      value = (value << 8) | part;
      parts++;
      if (parts > 4) {
        throw malformed(text);
      }
      i++; // skip the dot, or step past the end
    }
    if (parts != 4) {
      throw malformed(text);
    }
    return of(value);
  }

  private static IllegalArgumentException malformed(String text) {
    return new IllegalArgumentException(
        "malformed IPv4 address \"" + text + "\": expected a dotted quad like 192.0.2.2");
  }

  /** The 32-bit value, most significant byte first. */
  public int toInt() {
    return bits;
  }

  /** The four bytes, most significant first. */
  public byte[] toBytes() {
    return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
  }

  /** Writes four bytes at absolute index {@code index} of {@code buf} without moving its indices. */
  public void writeTo(ByteBuf buf, int index) {
    buf.setInt(index, bits);
  }

  /** Whether this is {@code 255.255.255.255}. */
  public boolean isLimitedBroadcast() {
    return bits == 0xffff_ffff;
  }

  /** Whether this is {@code 0.0.0.0}. */
  public boolean isAny() {
    return bits == 0;
  }

  /** Whether this is in {@code 224.0.0.0/4} (RFC 5771). */
  public boolean isMulticast() {
    return (bits >>> 28) == 0xe;
  }

  /** Whether this is in {@code 127.0.0.0/8}. */
  public boolean isLoopback() {
    return (bits >>> 24) == 127;
  }

  /** Unsigned comparison: {@code 10.0.0.1} sorts before {@code 192.0.2.1}. */
  @Override
  public int compareTo(Ipv4Address other) {
    return Integer.compareUnsigned(bits, other.bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv4Address a && a.bits == bits;
  }

  @Override
  public int hashCode() {
    return bits;
  }

  /** The dotted quad. */
  @Override
  public String toString() {
    return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
  }
}
