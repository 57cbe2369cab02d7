package io.morgana.net.tap;

import io.morgana.api.MacAddress;
import io.morgana.runtime.nativeio.Ifreq;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TapNetif} opens: the name of the TAP interface and, optionally, the MAC address the
 * Morgana side uses (a random locally administered one when absent).
 *
 * <p>The MAC is Morgana's own address on the link, distinct from the address of the host's side
 * of the TAP interface (the one {@code ip link show NAME} prints).
 *
 * @param device the interface name, 1 to 15 characters with no {@code /}, {@code :} or white
 *     space; {@code %d} in it lets the kernel pick a number ({@code tap%d})
 * @param mac Morgana's MAC address, or empty for a random one
 * @param offload open the device with {@code IFF_VNET_HDR} and ask the kernel for checksum and
 *     TCP/IPv4 segmentation offloads ({@code TUNSETOFFLOAD} with {@code TUN_F_CSUM |
 *     TUN_F_TSO4}): frames read may carry a partial checksum and may be up to 64 KiB, and the
 *     interface advertises the same for frames it sends (see {@link TapNetif}); off by default
 */
public record TapConfig(String device, Optional<MacAddress> mac, boolean offload) {

  /** The prefix of the {@code --net} boot argument that selects a TAP device. */
  public static final String NET_PREFIX = "tap:";

  public TapConfig {
    Objects.requireNonNull(mac, "mac");
    checkDeviceName(device);
    mac.ifPresent(m -> m.checkStationAddress(m.toString()));
  }

  /** A device without offloads. */
  public TapConfig(String device, Optional<MacAddress> mac) {
    this(device, mac, false);
  }

  /**
   * Parses the value of {@code --mac=}: an interface's own address must be a unicast, non-zero
   * MAC (IEEE 802: the I/G bit of the first octet clear); a group or all-zero address would make
   * the stack answer ARP with an address no frame can be sent to.
   *
   * @throws IllegalArgumentException quoting {@code text} when it is malformed or not unicast
   */
  public static MacAddress parseMac(String text) {
    return MacAddress.parseStationAddress(text);
  }

  /** A device with a random MAC. */
  public static TapConfig of(String device) {
    return new TapConfig(device, Optional.empty());
  }

  /**
   * Parses the value of {@code --net=tap:NAME} into the device name.
   *
   * @throws IllegalArgumentException quoting {@code text} when it is not {@code tap:NAME} with a
   *     valid interface name
   */
  public static String parseNet(String text) {
    if (text == null || !text.startsWith(NET_PREFIX)) {
      throw new IllegalArgumentException(
          "expected tap:NAME (for example tap:tap0), got \"" + text + "\"");
    }
    String name = text.substring(NET_PREFIX.length());
    checkDeviceName(name);
    return name;
  }

  /** Checks a Linux interface name ({@link Ifreq#checkName}: the kernel's {@code dev_valid_name}). */
  static void checkDeviceName(String name) {
    Ifreq.checkName(name, "TAP");
  }
}
