package io.morgana.appliance;

import java.util.Optional;

/**
 * QEMU's {@code isa-debug-exit} device, through which {@code /init} hands the application's exit
 * status to the host: {@code -device isa-debug-exit,iobase=0xf4,iosize=0x04} on QEMU's command
 * line, {@code morgana.exit=isa-debug-exit:0xf4} on the kernel's ({@code appliance/boot} sets
 * both). A value {@code v} written to the I/O port ends QEMU at once with the process status
 * {@code (v << 1) | 1} ({@code hw/misc/debugexit.c}); {@code appliance/boot} maps it back with
 * {@code >> 1}. The device is only named on the command line: nothing probes for it, since a write
 * to a port where nothing listens is silently lost (and {@code /init} then powers off as usual).
 *
 * @param port the device's I/O port ({@code iobase})
 */
public record ExitDevice(int port) {

  /** The kernel command-line key: {@code morgana.exit=isa-debug-exit:PORT}. */
  public static final String KEY = "exit";

  /** The one device type understood. */
  public static final String ISA_DEBUG_EXIT = "isa-debug-exit";

  /**
   * The value written for a status that QEMU cannot pass on: its status is {@code (v << 1) | 1}
   * in 8 bits, so only 1..127 survive the round trip.
   */
  public static final int UNREPRESENTABLE = 127;

  public ExitDevice {
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("isa-debug-exit: I/O port " + port + " is not in 0..0xffff");
    }
  }

  /**
   * Parses the value of {@code morgana.exit}: {@code isa-debug-exit:PORT}, the port in hex
   * ({@code 0xf4}) or decimal.
   *
   * @throws IllegalArgumentException for another device or a malformed port, quoting the value
   */
  public static ExitDevice parse(String value) {
    String prefix = ISA_DEBUG_EXIT + ":";
    if (!value.startsWith(prefix)) {
      throw new IllegalArgumentException(
          "kernel command line: morgana.exit=" + value + ": expected " + ISA_DEBUG_EXIT + ":PORT (e.g. 0xf4)");
    }
    int port;
    try {
      port = Integer.decode(value.substring(prefix.length()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("kernel command line: morgana.exit=" + value + ": the port is not a number");
    }
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("kernel command line: morgana.exit=" + value + ": the port is not in 0..0xffff");
    }
    return new ExitDevice(port);
  }

  /**
   * The device named by {@code morgana.exit} in the text of {@code /proc/cmdline} (the last one
   * wins), empty when none is. Reads only that key, so that a command line whose other {@code
   * morgana.*} parameters are malformed still has its failure reported.
   *
   * @throws IllegalArgumentException if the value is malformed ({@link #parse})
   */
  public static Optional<ExitDevice> find(String cmdline) {
    String key = KernelCommandLine.PREFIX + KEY + "=";
    String value = null;
    for (String word : KernelCommandLine.words(cmdline)) {
      if (word.equals("--")) {
        break;
      }
      if (word.startsWith(key)) {
        value = word.substring(key.length());
      }
    }
    return Optional.ofNullable(value).map(ExitDevice::parse);
  }

  /**
   * The byte to write for a non-zero {@code status}: the status itself when it is 1..127, else
   * {@link #UNREPRESENTABLE} (a negative status, or one above 127 such as 143 after SIGTERM, would
   * lose its high bit in QEMU's {@code (v << 1) | 1} and could even read as success).
   *
   * @throws IllegalArgumentException for status 0: success is a plain power-off
   */
  public static int value(int status) {
    if (status == 0) {
      throw new IllegalArgumentException("status 0 is reported by powering off, not through isa-debug-exit");
    }
    return status > 0 && status <= UNREPRESENTABLE ? status : UNREPRESENTABLE;
  }

  @Override
  public String toString() {
    return ISA_DEBUG_EXIT + " at 0x" + Integer.toHexString(port);
  }
}
