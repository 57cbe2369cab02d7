package io.morgana.console.xen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.contract.LoopDriver;
import io.morgana.testkit.interop.HostTools;
import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.platform.PrimaryConsole;
import io.morgana.xen.ring.ByteRing;
import io.morgana.xen.sim.ExternalDomain;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.sim.SimMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java {@link XenConsole} against a console backend written in C on Xen's own {@code
 * <xen/io/console.h>} ({@code struct xencons_interface}, {@code MASK_XENCONS_IDX}), in another
 * process sharing the simulated machine memory through a file
 * ({@code xen-core/src/test/c/conformance_backend.c}). The backend says {@code ready}, then
 * echoes the out ring into the in ring: bytes go both ways, wrap around both rings many times,
 * and both rings run full.
 */
class XenConsoleConformanceTest {

  private static final Path SOURCE = Path.of("../xen-core/src/test/c/conformance_backend.c");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  /** This JVM's own executable, once built. */
  private static Path binary;

  /**
   * Compiles the backend once per JVM (never trusting a binary left by an older source) into a
   * file of its own, deleted at exit: another Maven run building in the same {@code target/} must
   * never rewrite the executable while this JVM runs it ({@code ld} recreates its output, and an
   * {@code exec} in that window fails).
   */
  static synchronized Path build() throws IOException, InterruptedException {
    HostTools.require("gcc");
    if (!Files.isRegularFile(Path.of("/usr/include/xen/io/console.h"))) {
      HostTools.unavailable("missing /usr/include/xen/io/console.h (Debian: apt-get install -y libxen-dev)");
    }
    if (!Files.isRegularFile(SOURCE)) {
      throw new AssertionError("conformance backend source not found at " + SOURCE.toAbsolutePath());
    }
    if (binary == null) {
      Path out = Files.createTempFile(Files.createDirectories(Path.of("target")), "conformance_backend-", "");
      out.toFile().deleteOnExit();
      Process gcc = new ProcessBuilder(
              "gcc", "-O2", "-Wall", "-Werror", "-D__XEN_INTERFACE_VERSION__=0x00040e00",
              "-o", out.toString(), SOURCE.toString())
          .redirectErrorStream(true)
          .start();
      String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
        throw new AssertionError("gcc failed:\n" + output);
      }
      binary = out.toAbsolutePath();
    }
    return binary;
  }

  @Test
  void consoleH_javaFrontendAndCBackendEchoThroughFullWrappingRings() throws Exception {
    Path binary = build();
    Path memoryFile = dir.resolve("memory");
    Path stderr = dir.resolve("backend.err");
    SimHypervisor hv = new SimHypervisor(SimMemory.mapFile(memoryFile, 64));
    try (KernelLoop loop = new KernelLoop("xen-console-conformance")) {
      loop.start();
      LoopDriver driver = LoopDriver.threaded(loop);
      SimDomain guest = hv.createDomain(1, loop);
      ExternalDomain back = ExternalDomain.create(hv, 0);
      PrimaryConsole primary = hv.createPrimaryConsole(guest, back.domain());
      int backPort = back.domain().events().bindInterdomain(1, primary.port());
      XenConsole console = new XenConsole(loop, guest.events(), primary.page(), primary.port());
      Process c = new ProcessBuilder(
              binary.toString(), "console", memoryFile.toString(),
              String.valueOf(guest.grants().firstFrame()), String.valueOf(guest.grants().entries()),
              "1", "0", String.valueOf(backPort), String.valueOf(GrantEntryV1.RESERVED_CONSOLE))
          .redirectError(stderr.toFile())
          .start();
      byte[] data = new byte[100_000];
      new SplittableRandom(0x5eed).nextBytes(data);
      try {
        back.connect(c.getInputStream(), c.getOutputStream());

        // C -> Java: the banner
        assertEquals("ready\n", readExactly(console, 6));
        assertTrue(driver.runUntil(() -> guest.grants().inUse(0), TIMEOUT), "C maps grant 0 writable");

        // Java -> C -> Java with nobody reading: in ring (1024) and out ring (2048) both fill
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            console.write(Unpooled.wrappedBuffer(data));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, r -> Thread.ofVirtual().start(r));
        ByteRing in = ByteRing.consoleIn(primary.page());
        ByteRing out = ByteRing.consoleOut(primary.page());
        assertTrue(driver.runUntil(() -> in.free() == 0 && out.free() == 0, TIMEOUT),
            "both rings full: in " + in.available() + ", out " + out.available());
        assertFalse(writer.isDone(), "the writer waits for the backend");

        // now read: everything comes back, in order
        assertArrayEquals(data, readExactly(console, data.length).getBytes(StandardCharsets.ISO_8859_1));
        writer.get(60, TimeUnit.SECONDS);
        assertEquals(null, back.failure(), "event pipe from the backend");
        assertTrue(Integer.toUnsignedLong(out.prod()) > 20 * ByteRing.CONS_OUT_SIZE, "wrapped many times");
      } finally {
        console.close();
        back.close();
        assertTrue(c.waitFor(60, TimeUnit.SECONDS), "backend exits at end of its event pipe");
      }
      Map<String, Long> counters = counters(stderr);
      assertEquals(0, c.exitValue(), "backend failed: " + Files.readString(stderr));
      assertEquals((long) data.length, counters.get("echoed"), counters.toString());
      assertFalse(guest.grants().inUse(0), "C unmapped the console page");
      System.out.printf("console: %d bytes echoed, C got %d events, sent %d notifies; java sent %d%n",
          data.length, counters.get("events"), counters.get("notifies"),
          guest.events().sentCount(primary.port()));
    }
  }

  /** Reads exactly {@code n} bytes, as ISO-8859-1 text (one char per byte). */
  private static String readExactly(XenConsole console, int n) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < n) {
      ByteBuf b = console.read();
      if (b == null) {
        break;
      }
      b.readBytes(got, b.readableBytes());
      b.release();
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  private static Map<String, Long> counters(Path stderr) throws IOException {
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(stderr)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        try {
          values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        } catch (NumberFormatException e) {
          // not a counter
        }
      }
    }
    return values;
  }
}
