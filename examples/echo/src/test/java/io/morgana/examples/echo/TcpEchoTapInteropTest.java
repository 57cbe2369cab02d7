package io.morgana.examples.echo;

import static io.morgana.examples.echo.InteropTransfers.connectRetrying;
import static io.morgana.examples.echo.InteropTransfers.randomFile;
import static io.morgana.examples.echo.InteropTransfers.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's interop tests: Morgana's TCP against the Linux kernel's, over a TAP device in a test
 * network namespace (Linux 192.0.2.1, Morgana 192.0.2.2 running the echo kernel with its stack
 * exposed, {@link StackTapKernel}). {@code socat} and {@code nc} move data through TCP echo on
 * port 7 with SHA-256 equal (their half-close: they shut down their output and read the echoes
 * still owed); Morgana connects out to {@code socat} servers, half-closes, and reads the answer.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class TcpEchoTapInteropTest {

  static final String TAP = "mg0";
  static final String MAC = "02:00:5e:10:00:02";
  static final String MORGANA = "192.0.2.2";
  static final String LINUX = "192.0.2.1";

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;
  private TcpipStack stack;
  @TempDir Path dir;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    EchoTapInteropTest.addTap(ns, TAP);
    AtomicReference<StackTapKernel> component = new AtomicReference<>();
    kernel = InProcessKernel.boot(ns, (a, loop, lifecycle) -> {
      StackTapKernel k = DaggerStackTapKernel.factory().create(a, loop, lifecycle);
      component.set(k);
      return k;
    }, "--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--mac=" + MAC);
    stack = component.get().stack();
    EchoTapInteropTest.awaitLinkUp(ns, TAP);
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  @Test
  void tcp_socatThroughEcho_8MiB_sha256Equal() throws Exception {
    HostTools.require("socat");
    Path in = randomFile(dir, "in", 8 << 20, 1);
    Path out = dir.resolve("out");
    // socat shuts down its output at the end of its input (-t: then waits up to 60 s for the rest).
    ExecResult r = ns.execOk(Duration.ofSeconds(180), "sh", "-c",
        "socat -t 60 -T 120 - TCP:" + MORGANA + ":7 < " + in + " > " + out);
    assertEquals(sha256(Files.readAllBytes(in)), sha256(Files.readAllBytes(out)), r.toString());
  }

  @Test
  void tcp_ncThroughEcho_4MiB_sha256Equal() throws Exception {
    HostTools.require("nc");
    Path in = randomFile(dir, "in", 4 << 20, 2);
    Path out = dir.resolve("out");
    ExecResult r = ns.execOk(Duration.ofSeconds(180), "sh", "-c",
        "nc -N -w 60 " + MORGANA + " 7 < " + in + " > " + out);
    assertEquals(sha256(Files.readAllBytes(in)), sha256(Files.readAllBytes(out)), r.toString());
  }

  @Test
  void tcp_closedPort_linuxSeesConnectionRefused() {
    HostTools.require("socat");
    ExecResult r = ns.exec(Duration.ofSeconds(30), "socat", "-T", "10", "-", "TCP:" + MORGANA + ":13");
    assertNotEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("Connection refused"), r.toString());
  }

  private static byte[] readAll(Flow f) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf b;
    while ((b = f.read()) != null) {
      byte[] chunk = new byte[b.readableBytes()];
      b.readBytes(chunk);
      b.release();
      out.writeBytes(chunk);
    }
    return out.toByteArray();
  }

  @Test
  void tcp_morganaConnectsOutToSocat_8MiB_sha256Equal() throws Exception {
    HostTools.require("socat");
    Path recv = dir.resolve("recv");
    Process server = ns.start("socat", "-u", "TCP-LISTEN:5001,reuseaddr", "OPEN:" + recv + ",creat,trunc");
    try {
      byte[] data = Files.readAllBytes(randomFile(dir, "data", 8 << 20, 3));
      Flow f = connectRetrying(stack.tcp(), LINUX, 5001);
      for (int off = 0; off < data.length; off += 64 * 1024) {
        f.write(Unpooled.wrappedBuffer(data, off, Math.min(64 * 1024, data.length - off)));
      }
      f.shutdownOutput();
      assertNull(f.read(), "socat closes after our FIN");
      f.close();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "socat ended");
      assertEquals(sha256(data), sha256(Files.readAllBytes(recv)));
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void tcp_morganaReadsFromSocat_8MiB_sha256Equal() throws Exception {
    HostTools.require("socat");
    Path src = randomFile(dir, "src", 8 << 20, 4);
    Process server = ns.start("socat", "-u", "OPEN:" + src, "TCP-LISTEN:5003,reuseaddr");
    try {
      Flow f = connectRetrying(stack.tcp(), LINUX, 5003);
      byte[] got = readAll(f);
      f.close();
      assertEquals(sha256(Files.readAllBytes(src)), sha256(got));
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "socat ended");
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void tcp_morganaHalfCloses_andReadsTheAnswerAfterItsFin() throws Exception {
    HostTools.require("socat");
    HostTools.require("sha256sum");
    // The server reads until our FIN, then answers with the SHA-256 of what it read.
    Process server = ns.start("socat", "TCP-LISTEN:5002,reuseaddr", "SYSTEM:sha256sum");
    try {
      byte[] data = Files.readAllBytes(randomFile(dir, "data", 1 << 20, 5));
      Flow f = connectRetrying(stack.tcp(), LINUX, 5002);
      f.write(Unpooled.wrappedBuffer(data));
      f.shutdownOutput();
      String answer = new String(readAll(f), StandardCharsets.US_ASCII).strip();
      f.close();
      assertEquals(sha256(data) + "  -", answer);
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "socat ended");
    } finally {
      server.destroyForcibly();
    }
  }

  /**
   * 1,000 connections from Linux to the echo port open at the same time (asyncio in the namespace
   * opens all before any sends, in waves of 100, as when the listener's backlog was 128), then each
   * sends 128 bytes naming itself, reads them back, shuts down its output and reads end of stream:
   * the echo closes after it, so every connection ends cleanly; none is refused or reset. (All
   * 1,000 SYNs in one burst overflowed that backlog: SYN cookies answered them, and on this loaded
   * machine a cookie's ACK sometimes found the accept queue full and was dropped, after which
   * the peer's next segments no longer carry the cookie and are reset — as Linux does.)
   */
  @Test
  void tcp_thousandConcurrentConnectionsFromLinux_eachEchoedAndClosedCleanly() throws Exception {
    HostTools.require("python3");
    int n = 1_000;
    Path script = dir.resolve("clients.py");
    Files.writeString(script, String.join("\n",
        "import asyncio, sys",
        "N, HOST = int(sys.argv[1]), sys.argv[2]",
        "async def one(i, r, w):",
        "    msg = ('connection %04d ' % i).encode() * 8",
        "    w.write(msg)",
        "    await w.drain()",
        "    got = await r.readexactly(len(msg))",
        "    assert got == msg, 'connection %d: wrong echo' % i",
        "    w.write_eof()",
        "    rest = await r.read()",
        "    assert rest == b'', 'connection %d: data after the echo' % i",
        "    w.close()",
        "    await w.wait_closed()",
        "async def main():",
        "    conns = []",
        "    for wave in range(0, N, 100):",
        "        conns += await asyncio.gather(*[asyncio.open_connection(HOST, 7) for _ in range(wave, min(N, wave + 100))])",
        "        await asyncio.sleep(0.2)",
        "    print('open', len(conns))",
        "    await asyncio.gather(*[one(i, r, w) for i, (r, w) in enumerate(conns)])",
        "    print('closed', N)",
        "asyncio.run(asyncio.wait_for(main(), 150))",
        ""));
    long before = kernel.application().tcpEcho().connections();
    ExecResult r = ns.exec(Duration.ofSeconds(180), "sh", "-c",
        "ulimit -n 4096 && python3 " + script + " " + n + " " + MORGANA);
    assertEquals("open " + n + "\nclosed " + n, r.stdout().strip(), r + "\nMorgana: " + stack.stats().nonZero());
    assertEquals(before + n, kernel.application().tcpEcho().connections());
    assertEquals(0, stack.stats().get(TcpCounter.CONNECTIONS_RESET), r.toString());
    assertEquals(0, stack.stats().get(TcpCounter.CONNECTIONS_TIMED_OUT), r.toString());
  }

  /**
   * Morgana connects out 1,000 times at once (a virtual thread each, all connected before any
   * sends) to an asyncio echo server in the namespace, which echoes nothing before it has all
   * 1,000 open; each moves 128 bytes naming itself both ways, half-closes and reads end of stream.
   */
  @Test
  void tcp_thousandConcurrentConnectionsFromMorgana_eachEchoedAndClosedCleanly() throws Exception {
    HostTools.require("python3");
    int n = 1_000;
    Path script = dir.resolve("server.py");
    Files.writeString(script, String.join("\n",
        "import asyncio, sys",
        "N = int(sys.argv[1])",
        "state = {'open': 0, 'peak': 0, 'done': 0}",
        "finished = asyncio.Event()",
        "all_open = asyncio.Event()",
        "async def echo(r, w):",
        "    state['open'] += 1",
        "    state['peak'] = max(state['peak'], state['open'])",
        "    if state['open'] == N:",
        "        all_open.set()",
        "    await asyncio.wait_for(all_open.wait(), 120)  # no echo before all N are open here",
        "    while True:",
        "        b = await r.read(4096)",
        "        if not b:",
        "            break",
        "        w.write(b)",
        "        await w.drain()",
        "    w.close()",
        "    await w.wait_closed()",
        "    state['open'] -= 1",
        "    state['done'] += 1",
        "    if state['done'] == N:",
        "        finished.set()",
        "async def main():",
        "    server = await asyncio.start_server(echo, '" + LINUX + "', 5007, backlog=2048)",
        "    print('listening', flush=True)",
        "    await asyncio.wait_for(finished.wait(), 150)",
        "    print('served', state['done'], 'peak', state['peak'], flush=True)",
        "asyncio.run(main())",
        ""));
    Process server = ns.start("sh", "-c", "ulimit -n 4096 && exec python3 " + script + " " + n);
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
      assertEquals("listening", out.readLine());
      CountDownLatch connected = new CountDownLatch(n);
      List<Future<String>> results = new ArrayList<>();
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < n; i++) {
          int id = i;
          results.add(threads.submit(() -> {
            byte[] msg = String.format("connection %04d ", id).repeat(8).getBytes(StandardCharsets.US_ASCII);
            try (Flow f = stack.tcp().connect(new Endpoint(Ipv4Address.parse(LINUX), 5007), Duration.ofSeconds(60))) {
              connected.countDown();
              assertTrue(connected.await(120, TimeUnit.SECONDS), "all connected");
              f.write(Unpooled.wrappedBuffer(msg));
              ByteArrayOutputStream got = new ByteArrayOutputStream();
              while (got.size() < msg.length) {
                ByteBuf b = f.read();
                assertTrue(b != null, "end of stream before the echo on " + f);
                got.writeBytes(ByteBufUtil.getBytes(b));
                b.release();
              }
              f.shutdownOutput();
              assertNull(f.read(), "end of stream after the echo");
              return got.toString(StandardCharsets.US_ASCII);
            } catch (Exception | AssertionError e) {
              connected.countDown(); // the others need not wait for this one
              throw e;
            }
          }));
        }
        for (int i = 0; i < n; i++) {
          assertEquals(String.format("connection %04d ", i).repeat(8), results.get(i).get(150, TimeUnit.SECONDS));
        }
      }
      assertEquals("served " + n + " peak " + n, out.readLine());
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server ended");
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void tcp_echoCountsItsConnections() throws Exception {
    HostTools.require("socat");
    ExecResult r = ns.execOk(Duration.ofSeconds(30), "socat", "-t", "10", "-T", "20", "-",
        "TCP:" + MORGANA + ":7");
    assertEquals("", r.stdout());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (kernel.application().tcpEcho().connections() < 1 && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    assertEquals(1, kernel.application().tcpEcho().connections());
    assertArrayEquals(new byte[0], r.stdout().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void tcp_discard_64MiBFromLinux_allCounted() throws Exception {
    HostTools.require("nc");
    long n = 64L << 20;
    long start = System.nanoTime();
    ExecResult r = ns.execOk(Duration.ofSeconds(300), "sh", "-c",
        "head -c " + n + " /dev/zero | nc -N -w 60 " + MORGANA + " " + DiscardChargen.DISCARD_PORT);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (kernel.application().discardChargen().discarded() < n && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(n, kernel.application().discardChargen().discarded(), r.toString());
    System.out.printf("discard: 64 MiB Linux -> Morgana in %.2f s (%.1f Mbit/s)%n", seconds, n * 8 / seconds / 1e6);
  }

  @Test
  void tcp_chargen_64MiBToLinux_sha256OfTheRfc864Pattern() throws Exception {
    HostTools.require("nc");
    HostTools.require("sha256sum");
    int n = 64 << 20;
    byte[] expected = new byte[n];
    for (int off = 0; off < n; off += DiscardChargen.PATTERN.length) {
      System.arraycopy(DiscardChargen.PATTERN, 0, expected, off, Math.min(DiscardChargen.PATTERN.length, n - off));
    }
    long start = System.nanoTime();
    ExecResult r = ns.execOk(Duration.ofSeconds(300), "sh", "-c",
        "nc -d -w 60 " + MORGANA + " " + DiscardChargen.CHARGEN_PORT + " | head -c " + n + " | sha256sum");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(sha256(expected) + "  -", r.stdout().strip(), r.toString());
    System.out.printf("chargen: 64 MiB Morgana -> Linux in %.2f s (%.1f Mbit/s)%n", seconds, n * 8.0 / seconds / 1e6);
  }
}
