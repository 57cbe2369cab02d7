package io.morgana.api;

import io.netty.buffer.ByteBuf;
import java.util.random.RandomGenerator;

/**
 * A 48-bit IEEE 802 MAC address (an EUI-48), immutable.
 *
 * <p>Text form is six pairs of hexadecimal digits separated by colons, {@code
 * 02:00:5e:10:00:01}; {@link #parse} also accepts hyphens, and any case.
 */
public final class MacAddress implements Comparable<MacAddress> {

  /** Number of bytes in a MAC address on the wire. */
  public static final int LENGTH = 6;

  /** {@code ff:ff:ff:ff:ff:ff}, the Ethernet broadcast address. */
  public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

  /** {@code 00:00:00:00:00:00}, the unspecified address (for example the ARP request target). */
  public static final MacAddress ZERO = new MacAddress(0);

  private final long bits;

  private MacAddress(long bits) {
    this.bits = bits;
  }

  /** The address whose 48 low-order bits are {@code bits}, most significant byte first. */
  public static MacAddress of(long bits) {
    if ((bits >>> 48) != 0) {
      throw new IllegalArgumentException("a MAC address has 48 bits, got 0x" + Long.toHexString(bits));
    }
    return new MacAddress(bits);
  }

  /** The address held in six bytes, most significant first. */
  public static MacAddress of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
    }
    long v = 0;
    for (byte b : bytes) {
      v = (v << 8) | (b & 0xff);
    }
    return new MacAddress(v);
  }

  /** Reads six bytes at absolute index {@code index} of {@code buf} without moving its indices. */
  public static MacAddress readFrom(ByteBuf buf, int index) {
    long hi = buf.getUnsignedShort(index);
    long lo = buf.getUnsignedInt(index + 2);
    return new MacAddress((hi << 32) | lo);
  }

  /**
   * Parses {@code aa:bb:cc:dd:ee:ff} (or with hyphens).
   *
   * @throws IllegalArgumentException naming the text when it is not a MAC address
   */
  public static MacAddress parse(String text) {
    if (text == null || text.length() != 17) {
      throw malformed(text);
    }
    char sep = text.charAt(2);
    if (sep != ':' && sep != '-') {
      throw malformed(text);
    }
    long v = 0;
    for (int i = 0; i < 6; i++) {
      int at = i * 3;
      if (i > 0 && text.charAt(at - 1) != sep) {
        throw malformed(text);
      }
      int hi = Character.digit(text.charAt(at), 16);
      int lo = Character.digit(text.charAt(at + 1), 16);
      if (hi < 0 || lo < 0) {
        throw malformed(text);
      }
      v = (v << 8) | (hi << 4) | lo;
    }
    return new MacAddress(v);
  }

  /**
   * Parses an interface's own address (the value of a {@code --mac=} boot argument): a
   * {@linkplain #isStationAddress() station address}. A group or all-zero address would make a
   * stack answer ARP with an address no frame can be sent to.
   *
   * @throws IllegalArgumentException quoting {@code text} when it is malformed, a group address or
   *     zero
   */
  public static MacAddress parseStationAddress(String text) {
    MacAddress m = parse(text);
    m.checkStationAddress(text);
    return m;
  }

  /**
   * Checks that this can be an interface's own address.
   *
   * @throws IllegalArgumentException quoting {@code text} when it is not a {@linkplain
   *     #isStationAddress() station address}
   */
  public MacAddress checkStationAddress(String text) {
    if (!isStationAddress()) {
      throw new IllegalArgumentException(
          "an interface's MAC address must be unicast and not zero (first octet even), got \""
              + text + "\"");
    }
    return this;
  }

  private static IllegalArgumentException malformed(String text) {
    return new IllegalArgumentException(
        "malformed MAC address \"" + text + "\": expected six hex pairs like 02:00:5e:10:00:01");
  }

  /**
   * A random unicast, locally administered address (RFC 7042 §2.1: the U/L bit set, the I/G bit
   * clear), as used for a new virtual interface that was not given one.
   */
  public static MacAddress randomLocal(RandomGenerator random) {
    long v = random.nextLong() & 0xffff_ffff_ffffL;
    v |= 0x0200_0000_0000L; // locally administered
    v &= ~0x0100_0000_0000L; // unicast
    return new MacAddress(v);
  }

  /** The 48 bits of this address in the low bits of a {@code long}. */
  public long toLong() {
    return bits;
  }

  /** The six bytes, most significant first. */
  public byte[] toBytes() {
    byte[] b = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      b[i] = (byte) (bits >>> (8 * (LENGTH - 1 - i)));
    }
    return b;
  }

  /** Writes six bytes at absolute index {@code index} of {@code buf} without moving its indices. */
  public void writeTo(ByteBuf buf, int index) {
    buf.setShort(index, (int) (bits >>> 32));
    buf.setInt(index + 2, (int) bits);
  }

  /** Whether this is {@link #BROADCAST}. */
  public boolean isBroadcast() {
    return bits == BROADCAST.bits;
  }

  /** Whether the I/G bit is set (group address; broadcast included). */
  public boolean isMulticast() {
    return (bits & 0x0100_0000_0000L) != 0;
  }

  /**
   * Whether this can be an interface's own address: unicast (IEEE 802: the I/G bit of the first
   * octet clear) and not zero.
   */
  public boolean isStationAddress() {
    return !isMulticast() && bits != 0;
  }

  /** Whether the U/L bit is set (locally administered). */
  public boolean isLocallyAdministered() {
    return (bits & 0x0200_0000_0000L) != 0;
  }

  @Override
  public int compareTo(MacAddress other) {
    return Long.compare(bits, other.bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacAddress m && m.bits == bits;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bits);
  }

  /** The canonical text form, lower-case hex separated by colons. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = LENGTH - 1; i >= 0; i--) {
      int b = (int) (bits >>> (8 * i)) & 0xff;
      sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
      if (i > 0) {
        sb.append(':');
      }
    }
    return sb.toString();
  }
}
