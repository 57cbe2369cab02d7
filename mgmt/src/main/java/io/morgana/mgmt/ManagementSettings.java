package io.morgana.mgmt;

import io.morgana.api.Ipv4Address;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a kernel is managed, from its boot arguments.
 *
 * @param port {@code --mgmt-port=N}: the TCP port of the management listener; empty (the
 *     default) for none
 * @param listen {@code --mgmt-listen=ADDRESS}: the address it listens on; empty for the
 *     target's default (the socket target: loopback; a TAP or Xen kernel: its one address)
 * @param token {@code --mgmt-token=TOKEN}: the bearer token commands (and metrics, unless open)
 *     require; empty: commands are refused over the network
 * @param openMetrics {@code --mgmt-open-metrics}: {@code GET /metrics} without the token
 * @param console {@code --mgmt-console}: lines typed on the console run commands
 */
public record ManagementSettings(
    Optional<Integer> port, Optional<Ipv4Address> listen, Optional<String> token, boolean openMetrics,
    boolean console) {

  /** The shortest token accepted: a short token can be guessed. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public static final BootKey<Optional<Integer>> PORT = BootKey.optional("mgmt-port",
      "TCP port of the management listener (GET /metrics, POST /cmd/NAME); none by default",
      ManagementSettings::parsePort);

  public static final BootKey<Optional<Ipv4Address>> LISTEN = BootKey.optional("mgmt-listen",
      "address the management listener binds; loopback on the socket target, the kernel's address otherwise",
      Ipv4Address::parse);

  public static final BootKey<Optional<String>> TOKEN = BootKey.optional("mgmt-token",
      "bearer token (Authorization: Bearer TOKEN) for commands and metrics, at least " + MIN_TOKEN_LENGTH
          + " printable ASCII characters; without one, commands are refused over the network",
      ManagementSettings::parseToken).secret();

  public static final BootKey<Boolean> OPEN_METRICS = BootKey.flag("mgmt-open-metrics",
      "serve GET /metrics without the token");

  public static final BootKey<Boolean> CONSOLE = BootKey.flag("mgmt-console",
      "run a command for each line typed on the console (help lists them)");

  /** The keys {@link ManagementModule} contributes. */
  public static final List<BootKey<?>> KEYS = List.of(PORT, LISTEN, TOKEN, OPEN_METRICS, CONSOLE);

  public ManagementSettings {
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(token, "token");
  }

  /** The settings the boot arguments give. */
  public static ManagementSettings from(BootArguments arguments) {
    return new ManagementSettings(arguments.get(PORT), arguments.get(LISTEN), arguments.get(TOKEN),
        arguments.get(OPEN_METRICS), arguments.get(CONSOLE));
  }

  private static int parsePort(String text) {
    if (!text.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("not a port number");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("not between 1 and 65535");
    }
    return port;
  }

  static String parseToken(String text) {
    if (text.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("shorter than " + MIN_TOKEN_LENGTH + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException("only printable ASCII without spaces");
      }
    }
    return text;
  }

  /** Hides the token. */
  @Override
  public String toString() {
    return "ManagementSettings[port=" + port + ", listen=" + listen + ", token=" + (token.isPresent() ? "(set)" : "none")
        + ", openMetrics=" + openMetrics + ", console=" + console + "]";
  }
}
