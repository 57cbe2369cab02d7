package io.morgana.examples.echo;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** What the TCP interop tests move and check: seeded random files, SHA-256, a retrying connect. */
final class InteropTransfers {

  private InteropTransfers() {}

  /** A file of {@code size} bytes from a random generator seeded with {@code seed}, in {@code dir}. */
  static Path randomFile(Path dir, String name, int size, int seed) throws Exception {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    Path p = dir.resolve(name);
    Files.write(p, b);
    return p;
  }

  /** The SHA-256 of {@code b} in lower-case hex, as {@code sha256sum} prints it. */
  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /**
   * Connects to {@code address:port} (a socat server in the namespace), retrying for up to 20 s
   * while it is not listening yet.
   */
  static Flow connectRetrying(Tcp tcp, String address, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return tcp.connect(new Endpoint(Ipv4Address.parse(address), port), Duration.ofSeconds(10));
      } catch (ConnectException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
