package io.morgana.net.packet;

import io.morgana.api.MacAddress;
import io.morgana.runtime.nativeio.Ifreq;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PacketNetif} opens: the network interface Morgana takes over, the MAC address it
 * uses there, and how long the kernel holds a part-filled receive block.
 *
 * @param device the interface name (a veth end, a physical NIC, a VM's virtio NIC): 1 to 15
 *     characters with no {@code /}, {@code :} or white space
 * @param mac Morgana's MAC address on the link; empty for the interface's own address (the one a
 *     NIC's hardware filter and a hypervisor's switch already deliver to). Another address puts
 *     the interface in promiscuous mode while Morgana holds it.
 * @param version the ring format: {@link TpacketVersion#V2} (a slot per frame, no retire delay; the
 *     default) or {@link TpacketVersion#V3} (blocks)
 * @param retireTimeoutMillis {@code tp_retire_blk_tov} (V3 only): the longest a received frame waits in a
 *     part-filled TPACKET_V3 block before the kernel hands the block over, in milliseconds (1 to
 *     1000); it bounds the latency a lightly loaded link adds
 */
public record PacketConfig(
    String device, Optional<MacAddress> mac, TpacketVersion version, int retireTimeoutMillis) {

  /** The prefix of the {@code --net} boot argument that selects an interface through {@code AF_PACKET}. */
  public static final String NET_PREFIX = "packet:";

  /** The default {@link #retireTimeoutMillis}: the smallest the kernel takes. */
  public static final int DEFAULT_RETIRE_TIMEOUT_MILLIS = 1;

  public PacketConfig {
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(version, "version");
    checkDeviceName(device);
    mac.ifPresent(m -> m.checkStationAddress(m.toString()));
    if (retireTimeoutMillis < 1 || retireTimeoutMillis > 1000) {
      throw new IllegalArgumentException(
          "the receive block retire timeout is 1 to 1000 ms, got " + retireTimeoutMillis);
    }
  }

  /** The interface with its own MAC, TPACKET_V2 rings and the default retire timeout (for V3). */
  public static PacketConfig of(String device) {
    return new PacketConfig(device, Optional.empty(), TpacketVersion.V2, DEFAULT_RETIRE_TIMEOUT_MILLIS);
  }

  /** The same interface and MAC with {@code version} rings. */
  public PacketConfig withVersion(TpacketVersion version) {
    return new PacketConfig(device, mac, version, retireTimeoutMillis);
  }

  /**
   * Parses the value of {@code --net=packet:IFACE} into the interface name.
   *
   * @throws IllegalArgumentException quoting {@code text} when it is not {@code packet:IFACE}
   *     with a valid interface name
   */
  public static String parseNet(String text) {
    if (text == null || !text.startsWith(NET_PREFIX)) {
      throw new IllegalArgumentException(
          "expected packet:IFACE (for example packet:eth0), got \"" + text + "\"");
    }
    String name = text.substring(NET_PREFIX.length());
    checkDeviceName(name);
    return name;
  }

  /**
   * Parses the value of {@code --mac=}: a unicast, non-zero MAC (IEEE 802: the I/G bit of the
   * first octet clear).
   *
   * @throws IllegalArgumentException quoting {@code text} when it is malformed or not unicast
   */
  public static MacAddress parseMac(String text) {
    return MacAddress.parseStationAddress(text);
  }

  /** Checks a Linux interface name ({@link Ifreq#checkName}: the kernel's {@code dev_valid_name}). */
  static void checkDeviceName(String name) {
    Ifreq.checkName(name, "network");
  }
}
