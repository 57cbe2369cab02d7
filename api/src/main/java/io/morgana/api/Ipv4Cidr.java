package io.morgana.api;

/**
 * An interface address with its prefix length (RFC 4632 §3.1 notation), such as {@code
 * 192.0.2.2/24}: the host's own address and the network it is on.
 *
 * <p>The address is kept as given — {@code 192.0.2.2/24} is not the same value as {@code
 * 192.0.2.0/24} — so one value configures an interface; {@link #network()} gives the network.
 *
 * @param address the address as written
 * @param prefixLength 0..32
 */
public record Ipv4Cidr(Ipv4Address address, int prefixLength) implements Comparable<Ipv4Cidr> {

  public Ipv4Cidr {
    if (address == null) {
      throw new IllegalArgumentException("address must not be null");
    }
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("IPv4 prefix length must be 0..32, got " + prefixLength);
    }
  }

  /**
   * Parses {@code a.b.c.d/n}.
   *
   * @throws IllegalArgumentException quoting the text when it is malformed
   */
  public static Ipv4Cidr parse(String text) {
    if (text == null) {
      throw malformed(null, "it is missing");
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw malformed(text, "expected one '/'");
    }
    Ipv4Address address;
    try {
      address = Ipv4Address.parse(text.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw malformed(text, "the address is not a dotted quad");
    }
    String prefix = text.substring(slash + 1);
    if (prefix.isEmpty() || prefix.length() > 2 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
        || (prefix.length() == 2 && prefix.charAt(0) == '0')) {
      throw malformed(text, "the prefix length is not a number 0..32");
    }
    int length = Integer.parseInt(prefix);
    if (length > 32) {
      throw malformed(text, "the prefix length is not a number 0..32");
    }
    return new Ipv4Cidr(address, length);
  }

  private static IllegalArgumentException malformed(String text, String why) {
    return new IllegalArgumentException(
        "malformed IPv4 CIDR \"" + text + "\": " + why + " (expected like 192.0.2.2/24)");
  }

  /** The netmask as a 32-bit value: {@code /24} is {@code 0xffffff00}. */
  public int maskBits() {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  /** The netmask as an address, {@code 255.255.255.0} for {@code /24}. */
  public Ipv4Address netmask() {
    return Ipv4Address.of(maskBits());
  }

  /** The network address, host bits cleared. */
  public Ipv4Address network() {
    return Ipv4Address.of(address.toInt() & maskBits());
  }

  /** The directed broadcast address of the network, host bits set (RFC 919). */
  public Ipv4Address broadcast() {
    return Ipv4Address.of(address.toInt() | ~maskBits());
  }

  /** Whether {@code other} is on this network. */
  public boolean contains(Ipv4Address other) {
    return ((other.toInt() ^ address.toInt()) & maskBits()) == 0;
  }

  @Override
  public int compareTo(Ipv4Cidr other) {
    int c = address.compareTo(other.address);
    return c != 0 ? c : Integer.compare(prefixLength, other.prefixLength);
  }

  /** {@code a.b.c.d/n}. */
  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
