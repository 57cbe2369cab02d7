package io.morgana.net.packet;

/**
 * The interface cannot be taken over through an {@code AF_PACKET} socket: it does not exist in
 * this network namespace, the host has an IPv4 address on it (Morgana must own the interface), it
 * is not Ethernet, the process lacks {@code CAP_NET_RAW}, or the kernel lacks {@code TPACKET_V3}
 * rings. The message is one sentence for a person: it names the interface, what went wrong and
 * what to do.
 *
 * <p>It carries no stack trace: it reports the machine's configuration, not a bug, and a kernel
 * that logs it at boot should show the sentence alone.
 */
public final class PacketUnavailableException extends RuntimeException {

  private final String device;
  private final int errno;

  /**
   * @param device the interface name that was asked for
   * @param errno the C library error that caused it, or 0
   * @param message the whole message
   */
  public PacketUnavailableException(String device, int errno, String message) {
    super(message, null, false, false);
    this.device = device;
    this.errno = errno;
  }

  /** The interface name that was asked for. */
  public String device() {
    return device;
  }

  /** The {@code errno} of the failed call, or 0. */
  public int errno() {
    return errno;
  }
}
