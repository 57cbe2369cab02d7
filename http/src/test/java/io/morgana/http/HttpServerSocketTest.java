package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.net.socket.SocketStack;
import io.morgana.runtime.KernelLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server over host sockets on 127.0.0.1 (net-socket), with real clients. */
class HttpServerSocketTest {

  KernelLoop loop;
  SocketStack stack;
  HttpServer server;
  int port;

  @BeforeEach
  void start() throws Exception {
    loop = new KernelLoop("http-test");
    loop.start();
    stack = new SocketStack(Ipv4Address.LOOPBACK, loop);
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    stack.close();
    loop.close();
  }

  void serve(HttpSettings settings) throws IOException {
    Router router = Router.builder()
        .get("/hello", r -> HttpResponse.text(200, "hello\n"))
        .build();
    server = HttpServer.start(stack.tcp(), loop, settings, router);
  }

  HttpSettings settings() {
    return HttpSettings.defaults(port).withAccessLog(false);
  }

  static String exchange(Socket s, String request, int responses) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    int seen = 0;
    while (seen < responses) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      got.write(b);
      if (got.toString(StandardCharsets.US_ASCII).endsWith("hello\n")) {
        seen++;
      }
    }
    return got.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void keepAlive_twoRequestsOneConnection() throws Exception {
    serve(settings());
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      assertTrue(exchange(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 1).startsWith("HTTP/1.1 200 OK\r\n"));
      String two = exchange(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 2);
      assertEquals(2, two.split("HTTP/1.1 200 OK", -1).length - 1, two);
    }
    assertEquals(1, server.accepted());
  }

  @Test
  void slowClient_cutOffAfterTheHeaderTimeout_othersServedMeanwhile() throws Exception {
    serve(settings().withTimeouts(Duration.ofSeconds(60), Duration.ofMillis(300)));
    try (Socket slow = new Socket("127.0.0.1", port)) {
      slow.setSoTimeout(30_000);
      slow.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      try (Socket quick = new Socket("127.0.0.1", port)) {
        quick.setSoTimeout(30_000);
        assertTrue(exchange(quick, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 1).endsWith("hello\n"));
      }
      int b;
      try {
        b = slow.getInputStream().read();
      } catch (SocketException reset) {
        b = -1;
      }
      assertEquals(-1, b, "the slow client's connection was cut, with no response");
    }
    assertEquals(1, server.timedOut());
  }

  @Test
  void maxConnections_theNextWaitsUntilOneEnds() throws Exception {
    serve(settings().withMaxConnections(1));
    Socket first = new Socket("127.0.0.1", port);
    first.setSoTimeout(30_000);
    assertTrue(exchange(first, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 1).endsWith("hello\n"));
    try (Socket second = new Socket("127.0.0.1", port)) {
      second.setSoTimeout(30_000);
      second.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals(1, server.accepted(), "the second waits in the backlog");
      first.close();
      assertTrue(exchange(second, "", 1).endsWith("hello\n"));
    }
    assertEquals(2, server.accepted());
  }
}
