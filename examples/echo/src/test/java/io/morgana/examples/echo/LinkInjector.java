package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts crafted frames on the wire from the namespace's side of a TAP device, the way an attacker
 * on the same link would: a Python 3 standard-library script ({@code AF_PACKET}, {@code
 * SOCK_RAW}, bound to the device) reads one frame per line in hex on its standard input and sends
 * each; what it sends reaches the TAP's reader (Morgana) and nothing else. Also reads the Linux
 * side's ICMP counters ({@code /proc/net/snmp} of the namespace), which is how the tests see what
 * Linux received.
 */
final class LinkInjector {

  private static final String SCRIPT =
      """
      import socket, sys
      s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
      s.bind((sys.argv[1], 0))
      n = 0
      for line in sys.stdin:
          line = line.strip()
          if line:
              s.send(bytes.fromhex(line))
              n += 1
      print(n)
      """;

  private final NetworkNamespace ns;
  private final String device;

  LinkInjector(NetworkNamespace ns, String device) {
    HostTools.require("python3");
    this.ns = ns;
    this.device = device;
  }

  /** Sends {@code frames} in order onto the link; returns when all were handed to the device. */
  void send(List<byte[]> frames) {
    Process p = ns.start("python3", "-c", SCRIPT, device);
    try {
      try (Writer w = p.outputWriter(StandardCharsets.US_ASCII)) {
        for (byte[] f : frames) {
          w.write(RawFrames.hex(f));
          w.write('\n');
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the frame injector did not finish");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertEquals(0, p.exitValue(), "frame injector failed: " + err);
      assertEquals(String.valueOf(frames.size()), out, "frames sent; stderr: " + err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The MAC address of the namespace's side of the device (Linux's). */
  String linuxMac() {
    String show = ns.execOk("ip", "-o", "link", "show", "dev", device).stdout();
    Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(show);
    if (!m.find()) {
      throw new AssertionError("no MAC in: " + show);
    }
    return m.group(1);
  }

  /** Linux's ICMP counters in the namespace ({@code Icmp:} of {@code /proc/net/snmp}), by name. */
  Map<String, Long> linuxIcmp() {
    List<String> lines = ns.execOk("cat", "/proc/net/snmp").stdout().lines().filter(l -> l.startsWith("Icmp: ")).toList();
    String[] names = lines.get(0).substring(6).trim().split("\\s+");
    String[] values = lines.get(1).substring(6).trim().split("\\s+");
    java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], Long.parseLong(values[i]));
    }
    return m;
  }
}
