package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The server on Morgana's own stack over an in-memory switch, on a {@link DeterministicLoop}: its
 * accept loop and connections are the loop's offloaded work, so a whole exchange runs on one
 * thread's schedule in virtual time, and the same run twice gives the same bytes at the same
 * virtual times (what a deterministic simulation of a web server needs).
 */
class HttpServerDeterministicTest {

  private static final int PORT = 80;
  private static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.3");

  /** What a run saw: each client's response and the virtual time it completed at. */
  record Outcome(List<String> responses, List<Long> completedAtNanos, long accepted) {}

  private static Outcome run(int clients, int maxConnections) throws Exception {
    DeterministicLoop loop = new DeterministicLoop(new FakeClock());
    EthernetSwitch ethernet = new EthernetSwitch(loop);
    TcpSettings tcp = TcpSettings.DEFAULTS.withSecret(7);
    TcpipStack client = new TcpipStack(ethernet.newPort(), loop, Ipv4Config.of("192.0.2.2/24", null),
        UnpooledByteBufAllocator.DEFAULT, tcp);
    TcpipStack server = new TcpipStack(ethernet.newPort(), loop, Ipv4Config.of("192.0.2.3/24", null),
        UnpooledByteBufAllocator.DEFAULT, tcp);
    Router router = Router.builder().get("/hello", r -> HttpResponse.text(200, "hello\n")).build();
    HttpServer http = HttpServer.start(server.tcp(), loop,
        HttpSettings.defaults(PORT).withAccessLog(false).withMaxConnections(maxConnections), router,
        UnpooledByteBufAllocator.DEFAULT, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    try {
      List<CompletableFuture<String>> results = new ArrayList<>();
      long[] completedAt = new long[clients];
      for (int i = 0; i < clients; i++) {
        int n = i;
        results.add(loop.offload(() -> {
          String response = get(client, "/hello");
          completedAt[n] = loop.nowNanos();
          return response;
        }).toCompletableFuture());
      }
      loop.join("all clients", CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)));
      List<String> responses = new ArrayList<>();
      for (CompletableFuture<String> r : results) {
        responses.add(r.join());
      }
      List<Long> times = new ArrayList<>();
      for (long t : completedAt) {
        times.add(t);
      }
      return new Outcome(responses, times, http.accepted());
    } finally {
      http.close();
      client.close();
      server.close();
      ethernet.close();
    }
  }

  /** One GET with {@code Connection: close}, read to end of stream. */
  private static String get(TcpipStack client, String path) throws IOException {
    try (Flow flow = client.tcp().connect(new Endpoint(SERVER, PORT), Duration.ofSeconds(10))) {
      flow.write(Unpooled.copiedBuffer("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          StandardCharsets.US_ASCII));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      for (ByteBuf b = flow.read(); b != null; b = flow.read()) {
        try {
          byte[] bytes = new byte[b.readableBytes()];
          b.readBytes(bytes);
          got.writeBytes(bytes);
        } finally {
          b.release();
        }
      }
      return got.toString(StandardCharsets.US_ASCII);
    }
  }

  @Test
  void servesEveryClientOneAtATime_whenOneConnectionSlot_inVirtualTime() throws Exception {
    Outcome outcome = run(4, 1);
    assertEquals(4, outcome.accepted());
    for (String r : outcome.responses()) {
      assertTrue(r.startsWith("HTTP/1.1 200 "), r);
      assertTrue(r.endsWith("\r\n\r\nhello\n"), r);
    }
  }

  @Test
  void theSameRunTwice_givesTheSameResponsesAtTheSameVirtualTimes() throws Exception {
    Outcome first = run(3, 2);
    Outcome second = run(3, 2);
    assertEquals(first, second);
  }
}
