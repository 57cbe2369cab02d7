package io.morgana.console.xen;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.ring.ByteRing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class XenConsoleTest {

  @Test
  void consoleH_primaryConsoleIsGrantZeroToTheBackend() throws Exception {
    try (SimConsoleFixture f = new SimConsoleFixture()) {
      int flags = GrantEntryV1.flags(f.guest.grants().segment(), GrantEntryV1.RESERVED_CONSOLE);
      assertEquals(GrantEntryV1.GTF_PERMIT_ACCESS, flags & GrantEntryV1.GTF_TYPE_MASK);
      assertEquals(0, GrantEntryV1.domid(f.guest.grants().segment(), GrantEntryV1.RESERVED_CONSOLE));
      assertTrue(f.guest.grants().inUse(GrantEntryV1.RESERVED_CONSOLE), "mapped by the backend");
    }
  }

  @Test
  void consoleH_aFullOutRingMakesTheWriterWaitForTheBackend() throws Exception {
    try (SimConsoleFixture f = new SimConsoleFixture()) {
      f.backend.pause();
      byte[] data = new byte[5000];
      new SplittableRandom(1).nextBytes(data);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          f.console.write(Unpooled.wrappedBuffer(data));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, r -> Thread.ofVirtual().start(r));
      assertTrue(f.driver.runUntil(() -> f.outRing().free() == 0, SimConsoleFixture.TIMEOUT), "out ring fills");
      assertFalse(writer.isDone(), "5000 bytes cannot fit a 2048-byte ring while the backend is paused");
      f.backend.resume();
      writer.get(30, TimeUnit.SECONDS);
      assertArrayEquals(data, f.drainedOutput());
    }
  }

  @Test
  void writesFromTheLoopThreadNeverWaitAndKeepTheirOrder() throws Exception {
    try (SimConsoleFixture f = new SimConsoleFixture()) {
      f.backend.pause();
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        expected.append("line ").append(i).append('\n');
      }
      f.driver.run(() -> {
        try {
          for (int i = 0; i < 500; i++) {
            f.console.log("line " + i); // ~4.4 KB: more than the ring, written without waiting
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertEquals(0, f.outRing().free());
      f.backend.resume();
      // the console pushes its queue in steps as the backend makes room: wait for all of it
      f.driver.runUntil(() -> f.sink.size() >= expected.length(), SimConsoleFixture.TIMEOUT);
      assertEquals(expected.toString(), new String(f.drainedOutput(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void consoleH_inputWrapsAroundTheInRing() throws Exception {
    try (SimConsoleFixture f = new SimConsoleFixture()) {
      byte[] data = new byte[10_000];
      new SplittableRandom(2).nextBytes(data);
      f.backend.input(data);
      byte[] got = new byte[data.length];
      int n = 0;
      while (n < data.length) {
        ByteBuf b = f.console.read();
        assertTrue(b.readableBytes() <= ByteRing.CONS_IN_SIZE);
        int len = b.readableBytes();
        b.readBytes(got, n, len);
        b.release();
        n += len;
      }
      assertArrayEquals(data, got);
      assertTrue(Integer.toUnsignedLong(f.primary.page().get(JAVA_INT, ByteRing.CONS_IN_PROD_OFFSET)) == 10_000);
    }
  }

  @Test
  void readOnTheLoopThreadWithNothingToReadFailsInsteadOfHangingTheKernel() throws Exception {
    try (SimConsoleFixture f = new SimConsoleFixture()) {
      CompletableFuture<Object> onLoop = new CompletableFuture<>();
      f.loop.execute(() -> {
        try {
          onLoop.complete(f.console.read()); // the backend's input could only arrive on this very thread
        } catch (Throwable t) {
          onLoop.complete(t);
        }
      });
      Object outcome = onLoop.get(30, TimeUnit.SECONDS);
      assertTrue(outcome instanceof IllegalStateException, String.valueOf(outcome));
      // With input waiting, a read on the loop does not block, so it is allowed.
      f.backend.input("x".getBytes(StandardCharsets.US_ASCII));
      assertTrue(f.driver.runUntil(() -> f.inRing().available() == 1, SimConsoleFixture.TIMEOUT));
      CompletableFuture<String> got = new CompletableFuture<>();
      f.loop.execute(() -> {
        try {
          ByteBuf b = f.console.read();
          got.complete(b.toString(StandardCharsets.US_ASCII));
          b.release();
        } catch (Throwable t) {
          got.completeExceptionally(t);
        }
      });
      assertEquals("x", got.get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void corruptIndicesBreakTheConsoleWithAnIOException() throws Exception {
    try (SimConsoleFixture f = new SimConsoleFixture()) {
      f.backend.pause();
      f.primary.page().set(JAVA_INT, ByteRing.CONS_IN_PROD_OFFSET, 5000); // a hostile backend
      assertThrows(IOException.class, f.console::read);
      assertThrows(IOException.class, () -> f.console.log("after"));
      f.primary.page().set(JAVA_INT, ByteRing.CONS_IN_PROD_OFFSET, 0);
    }
  }

  @Test
  void closedConsoleRefusesWrites() throws Exception {
    try (SimConsoleFixture f = new SimConsoleFixture()) {
      f.console.log("last");
      f.console.close();
      assertThrows(IOException.class, () -> f.console.log("too late"));
      assertEquals(null, f.console.read());
      assertEquals("last\n", new String(f.drainedOutput(), StandardCharsets.UTF_8));
      ByteBuf b = Unpooled.wrappedBuffer(new byte[1]);
      assertThrows(IOException.class, () -> f.console.write(b));
      assertEquals(0, b.refCnt(), "write releases its buffer even when refused");
      assertEquals("", ByteBufUtil.hexDump(Unpooled.EMPTY_BUFFER));
    }
  }
}
