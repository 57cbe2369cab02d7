package io.morgana.net.tap;

/**
 * The TAP device could not be opened: {@code /dev/net/tun} is missing, the process lacks {@code
 * CAP_NET_ADMIN}, the name is taken by another kind of device, or the device is busy. The message
 * is one sentence for a person: it names the device, what went wrong and what to do.
 *
 * <p>It carries no stack trace: it reports the machine's configuration, not a bug, and a kernel
 * that logs it at boot should show the sentence alone.
 */
public final class TapUnavailableException extends RuntimeException {

  private final String device;
  private final int errno;

  /**
   * @param device the interface name that was asked for
   * @param errno the C library error that caused it, or 0
   * @param message the whole message
   */
  public TapUnavailableException(String device, int errno, String message) {
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
