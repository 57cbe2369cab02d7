package io.morgana.benchmarks.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The TCP services of Morgana's echo example on Linux kernel sockets, the peer Morgana's TCP is
 * compared with in {@code benchmarks/tcp/run.sh}: echo (RFC 862) on port 7, discard (RFC 863) on
 * port 9 and chargen (RFC 864) on port 19, one virtual thread per connection, chargen writing
 * the same 7,030-byte block of the RFC's 72-character lines that {@code DiscardChargen} writes.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.morgana.benchmarks.net.KernelTcpServices}. Prints
 * {@code listening} once all three ports are bound; runs until killed.
 */
public final class KernelTcpServices {

  private static final byte[] PATTERN = pattern();

  private KernelTcpServices() {}

  public static void main(String[] args) throws Exception {
    ServerSocket echo = listen(7);
    ServerSocket discard = listen(9);
    ServerSocket chargen = listen(19);
    Thread.ofVirtual().start(() -> serve(echo, KernelTcpServices::echo));
    Thread.ofVirtual().start(() -> serve(discard, KernelTcpServices::discard));
    Thread.ofVirtual().start(() -> serve(chargen, KernelTcpServices::chargen));
    System.out.println("kernel TCP echo/discard/chargen listening on ports 7, 9, 19");
    Thread.currentThread().join();
  }

  private interface Service {
    void run(Socket socket) throws IOException;
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(port), 1024);
    return s;
  }

  private static void serve(ServerSocket server, Service service) {
    while (true) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        System.err.println("accept on " + server + " failed: " + e);
        return;
      }
      Thread.ofVirtual().start(() -> {
        try (socket) {
          service.run(socket);
        } catch (IOException ignored) {
          // the client went away: the usual end of chargen
        }
      });
    }
  }

  private static void echo(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] buffer = new byte[65_536];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
    }
  }

  private static void discard(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[65_536];
    while (in.read(buffer) >= 0) {
      // thrown away
    }
  }

  private static void chargen(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    while (true) {
      out.write(PATTERN);
    }
  }

  /** RFC 864's rotating lines: 95 lines of 72 printable characters and CRLF. */
  private static byte[] pattern() {
    StringBuilder b = new StringBuilder();
    for (int line = 0; line < 95; line++) {
      for (int i = 0; i < 72; i++) {
        b.append((char) (32 + (line + i) % 95));
      }
      b.append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
