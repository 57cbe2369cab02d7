package io.morgana.runtime.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct ifreq} of {@code <linux/if.h>} on 64-bit Linux: 40 bytes, the interface name
 * ({@code IFNAMSIZ} = 16 bytes, NUL-terminated) at offset 0 and a union at offset 16 of which we
 * use {@code ifr_flags} (a {@code short}), {@code ifr_mtu} and {@code ifr_ifindex} (an {@code
 * int} each), {@code ifr_hwaddr} and {@code ifr_addr} (a {@code struct sockaddr}: the family
 * as a {@code short}, then the address — 6 bytes of MAC for {@code ARPHRD_ETHER}, or for {@code
 * AF_INET} the port and then the IPv4 address at union offset 4, network byte order).
 *
 * <p>Shared by the drivers that ask the kernel about an interface ({@code net-tap}, {@code
 * net-packet}); the request numbers of {@code <linux/sockios.h>} are here with it.
 *
 * <pre>
 *  0                   16      18              24                     40
 * +---------------------+-------+---------------+----------------------+
 * | ifr_name[16]        | flags |               |  (rest of the union) |
 * |                     | mtu / ifindex (int)   |                      |
 * +---------------------+-------+---------------+----------------------+
 * </pre>
 */
public final class Ifreq {

  /** {@code sizeof(struct ifreq)} on 64-bit Linux. */
  public static final int SIZE = 40;
  /** {@code IFNAMSIZ}: the name field, including its terminating NUL. */
  public static final int IFNAMSIZ = 16;
  /** Offset of {@code ifr_name}. */
  public static final int NAME_OFFSET = 0;
  /** Offset of the union ({@code ifr_flags}, {@code ifr_mtu}, {@code ifr_ifindex}). */
  public static final int UNION_OFFSET = 16;

  /**
   * Checks a Linux interface name by the rules of the kernel's {@code dev_valid_name}: 1 to 15
   * characters, not {@code .} or {@code ..}, no {@code /}, {@code :}, white space or non-ASCII.
   *
   * @param kind how the message names the interface ({@code "TAP"}, {@code "network"})
   * @throws IllegalArgumentException quoting the name when it is not valid
   */
  public static void checkName(String name, String kind) {
    if (name == null || name.isEmpty() || name.length() > IFNAMSIZ - 1) {
      throw new IllegalArgumentException(
          "a " + kind + " interface name has 1 to 15 characters, got \"" + name + "\"");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("\"" + name + "\" is not a valid interface name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == ':' || c <= ' ' || c > '~') {
        throw new IllegalArgumentException("a " + kind
            + " interface name has no '/', ':', white space or non-ASCII characters, got \"" + name + "\"");
      }
    }
  }

  /** {@code TUNSETIFF = _IOW('T', 202, int)} of {@code <linux/if_tun.h>}: attach to or create a TUN/TAP. */
  public static final long TUNSETIFF = 0x400454caL;
  /** {@code SIOCGIFFLAGS} of {@code <linux/sockios.h>}: read {@code ifr_flags}. */
  public static final long SIOCGIFFLAGS = 0x8913L;
  /** {@code SIOCSIFFLAGS}: write {@code ifr_flags} ({@code IFF_UP} brings the interface up). */
  public static final long SIOCSIFFLAGS = 0x8914L;
  /** {@code SIOCGIFMTU}: read {@code ifr_mtu}. */
  public static final long SIOCGIFMTU = 0x8921L;
  /** {@code SIOCGIFINDEX}: read {@code ifr_ifindex}. */
  public static final long SIOCGIFINDEX = 0x8933L;
  /** {@code SIOCGIFADDR}: read the interface's (first) IPv4 address into {@code ifr_addr}. */
  public static final long SIOCGIFADDR = 0x8915L;
  /** {@code SIOCGIFHWADDR}: read the interface's hardware address into {@code ifr_hwaddr}. */
  public static final long SIOCGIFHWADDR = 0x8927L;
  /** {@code ARPHRD_ETHER} of {@code <linux/if_arp.h>}: {@code ifr_hwaddr}'s family for Ethernet. */
  public static final int ARPHRD_ETHER = 1;

  /** {@code IFF_UP} in {@code ifr_flags} of {@code SIOCGIFFLAGS}. */
  public static final int IFF_UP = 0x1;
  /** {@code IFF_TAP} for {@code TUNSETIFF}: an Ethernet (layer 2) device. */
  public static final int IFF_TAP = 0x0002;
  /** {@code IFF_NO_PI} for {@code TUNSETIFF}: no 4-byte packet information before each frame. */
  public static final int IFF_NO_PI = 0x1000;

  private final MemorySegment segment;

  private Ifreq(MemorySegment segment) {
    this.segment = segment;
  }

  /** A zeroed {@code ifreq} naming {@code name}, allocated in {@code arena}. */
  public static Ifreq named(Arena arena, String name) {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length == 0 || bytes.length >= IFNAMSIZ) {
      throw new IllegalArgumentException(
          "an interface name has 1 to " + (IFNAMSIZ - 1) + " characters, got \"" + name + "\"");
    }
    MemorySegment s = arena.allocate(SIZE, 8);
    s.fill((byte) 0);
    MemorySegment.copy(bytes, 0, s, JAVA_BYTE, NAME_OFFSET, bytes.length);
    return new Ifreq(s);
  }

  /** The native memory, to pass to {@code ioctl}. */
  public MemorySegment segment() {
    return segment;
  }

  /** The name field, up to its NUL (the kernel writes the real name back for {@code tap%d}). */
  public String name() {
    int len = 0;
    while (len < IFNAMSIZ && segment.get(JAVA_BYTE, NAME_OFFSET + len) != 0) {
      len++;
    }
    byte[] bytes = new byte[len];
    MemorySegment.copy(segment, JAVA_BYTE, NAME_OFFSET, bytes, 0, len);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** Sets {@code ifr_flags}. */
  public Ifreq flags(int flags) {
    segment.set(JAVA_SHORT, UNION_OFFSET, (short) flags);
    return this;
  }

  /** {@code ifr_flags}, unsigned. */
  public int flags() {
    return Short.toUnsignedInt(segment.get(JAVA_SHORT, UNION_OFFSET));
  }

  /** {@code ifr_mtu} (also {@code ifr_ifindex}). */
  public int intValue() {
    return segment.get(JAVA_INT, UNION_OFFSET);
  }

  /** {@code sa_family} of {@code ifr_hwaddr} / {@code ifr_addr}, unsigned. */
  public int addressFamily() {
    return Short.toUnsignedInt(segment.get(JAVA_SHORT, UNION_OFFSET));
  }

  /** The first {@code length} bytes of {@code sa_data}: a MAC address after {@code SIOCGIFHWADDR}. */
  public byte[] hardwareAddress(int length) {
    byte[] bytes = new byte[length];
    MemorySegment.copy(segment, JAVA_BYTE, UNION_OFFSET + 2, bytes, 0, length);
    return bytes;
  }

  /** {@code sin_addr} of {@code ifr_addr} after {@code SIOCGIFADDR}: 4 bytes, network order. */
  public byte[] ipv4Address() {
    byte[] bytes = new byte[4];
    MemorySegment.copy(segment, JAVA_BYTE, UNION_OFFSET + 4, bytes, 0, 4);
    return bytes;
  }
}
