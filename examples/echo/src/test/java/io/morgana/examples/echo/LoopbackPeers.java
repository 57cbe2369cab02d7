package io.morgana.examples.echo;

import io.morgana.testkit.interop.ExecResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Host tools ({@code socat}, {@code nc}) talking to a kernel on the host's loopback, for the
 * socket target's tests: no namespace and no root, since the socket stack uses the host's own
 * sockets and its loopback carries nothing elsewhere.
 */
final class LoopbackPeers {

  private LoopbackPeers() {}

  /** Runs {@code script} with {@code sh -c}; kills it after {@code limit}. */
  static ExecResult sh(Duration limit, String script) throws IOException, InterruptedException {
    Path out = Files.createTempFile("morgana-peer", ".out");
    Path err = Files.createTempFile("morgana-peer", ".err");
    try {
      Process p = new ProcessBuilder("sh", "-c", script)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        return new ExecResult(-1, Files.readString(out), Files.readString(err) + "\n(killed after " + limit + ")");
      }
      return new ExecResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** {@code count} TCP ports on 127.0.0.1 that the host just gave out and took back, all different. */
  static int[] freePorts(int count) throws IOException {
    int[] ports = new int[count];
    ServerSocket[] held = new ServerSocket[count];
    try {
      for (int i = 0; i < count; i++) {
        held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = held[i].getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }

  /** Waits until every port accepts a TCP connection on 127.0.0.1 (the services listen off the loop). */
  static void awaitListening(List<Integer> ports, Duration limit) throws IOException, InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    for (int port : ports) {
      while (true) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
          break;
        } catch (IOException e) {
          if (System.nanoTime() - end > 0) {
            throw new IOException("nothing listens on 127.0.0.1:" + port + " after " + limit, e);
          }
          Thread.sleep(50);
        }
      }
    }
  }
}
