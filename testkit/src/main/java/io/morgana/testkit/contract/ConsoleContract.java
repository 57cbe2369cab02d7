package io.morgana.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.api.Console;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Console} must do, as inherited tests. Subclass it and implement {@link
 * #open()}: a console whose input the test feeds and whose output it reads — the stdio console
 * over pipes, the Xen console over a simulated ring with a Java backend.
 *
 * <p>Checked: {@code write} and {@code log} output appears in call order; {@code log} appends a
 * newline and encodes UTF-8 (non-ASCII and supplementary characters included); a large write
 * arrives whole; {@code write} takes ownership of (releases) its buffer; {@code read} returns
 * input as soon as some is available, all of it in order, then {@code null} at end of input, and
 * {@code null} again after that; {@code close} is idempotent.
 */
public abstract class ConsoleContract {

  /** A console under test with its two ends in the test's hands. */
  public interface Fixture extends AutoCloseable {
    /** The console under test. */
    Console console();

    /** Makes {@code bytes} available to {@link Console#read()}. */
    void input(byte[] bytes) throws IOException;

    /** Ends the input: once what was input is read, {@link Console#read()} returns {@code null}. */
    void endInput() throws IOException;

    /**
     * Every byte the console has written so far. The contract calls it after {@link
     * Console#close()}, which flushes; the fixture must collect output concurrently if the
     * console can block on a full channel.
     */
    byte[] output() throws IOException;

    /** Releases what the fixture holds (the console is already closed). */
    @Override
    void close() throws IOException;
  }

  /** A fresh console; nothing written or input yet. */
  protected abstract Fixture open() throws Exception;

  /** How long a read may take to see input that was given to it. */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  public void writeAndLogAppearInCallOrder() throws Exception {
    try (Fixture f = open()) {
      Console c = f.console();
      c.write(utf8("a"));
      c.log("line one");
      c.write(utf8("b\n"));
      c.log("line two");
      c.log("");
      c.close();
      assertEquals("aline one\nb\nline two\n\n", new String(f.output(), StandardCharsets.UTF_8));
    }
  }

  @Test
  public void logAndWriteCarryUtf8() throws Exception {
    String text = "héllo wörld — ✓ 日本語 🙂 \u00a0end";
    try (Fixture f = open()) {
      Console c = f.console();
      c.log(text);
      c.write(utf8(text));
      c.close();
      assertArrayEquals((text + "\n" + text).getBytes(StandardCharsets.UTF_8), f.output());
    }
  }

  @Test
  public void largeWritesArriveWholeAndInOrder() throws Exception {
    SplittableRandom random = new SplittableRandom(0xc0_501e);
    byte[] big = new byte[200 * 1024];
    random.nextBytes(big);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (Fixture f = open()) {
      Console c = f.console();
      c.write(Unpooled.wrappedBuffer(big.clone()));
      expected.write(big);
      for (int i = 0; i < 1000; i++) {
        String line = "line " + i;
        c.log(line);
        expected.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      c.close();
      byte[] got = f.output();
      assertEquals(expected.size(), got.length, "bytes written");
      assertArrayEquals(expected.toByteArray(), got);
    }
  }

  @Test
  public void writeTakesOwnershipOfItsBuffer() throws Exception {
    try (Fixture f = open()) {
      Console c = f.console();
      ByteBuf heap = utf8("heap ");
      ByteBuf direct = Unpooled.directBuffer().writeBytes("direct".getBytes(StandardCharsets.UTF_8));
      c.write(heap);
      c.write(direct);
      c.close();
      assertEquals("heap direct", new String(f.output(), StandardCharsets.UTF_8));
      assertEquals(0, heap.refCnt(), "write must release the buffer it was given");
      assertEquals(0, direct.refCnt(), "write must release the buffer it was given");
    }
  }

  @Test
  public void readReturnsAvailableInputWithoutWaitingForMore() throws Exception {
    try (Fixture f = open()) {
      Console c = f.console();
      CompletableFuture<byte[]> first = readAsync(c);
      f.input("abc".getBytes(StandardCharsets.UTF_8));
      byte[] got = await(first, "read after 3 bytes of input (no end of input yet)");
      assertTrue(got.length >= 1 && got.length <= 3, "read returned " + got.length + " bytes");
      assertArrayEquals(java.util.Arrays.copyOf("abc".getBytes(StandardCharsets.UTF_8), got.length), got);
      f.endInput();
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      rest.write(got);
      rest.write(await(readAllAsync(c), "rest of input"));
      assertEquals("abc", rest.toString(StandardCharsets.UTF_8));
      c.close();
    }
  }

  @Test
  public void readReturnsAllInputInOrderThenNullAtEndOfInput() throws Exception {
    byte[][] chunks = {
      "first line\n".getBytes(StandardCharsets.UTF_8),
      "second chunk, no newline".getBytes(StandardCharsets.UTF_8),
      "ünïcødé ✓ 🙂\n".getBytes(StandardCharsets.UTF_8),
      new byte[10_000],
    };
    new SplittableRandom(7).nextBytes(chunks[3]);
    try (Fixture f = open()) {
      Console c = f.console();
      CompletableFuture<byte[]> all = readAllAsync(c);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (byte[] chunk : chunks) {
        f.input(chunk);
        expected.write(chunk);
      }
      f.endInput();
      assertArrayEquals(expected.toByteArray(), await(all, "all input up to end of input"));
      assertNull(await(readAsync(c), "read after end of input"), "read after end of input returns null again");
      c.close();
    }
  }

  @Test
  public void closeIsIdempotent() throws Exception {
    try (Fixture f = open()) {
      Console c = f.console();
      c.log("bye");
      c.close();
      c.close();
      assertEquals("bye\n", new String(f.output(), StandardCharsets.UTF_8));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static ByteBuf utf8(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }

  /** One read on another thread: its bytes, or null at end of input. */
  private static CompletableFuture<byte[]> readAsync(Console c) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        ByteBuf b = c.read();
        if (b == null) {
          f.complete(null);
          return;
        }
        try {
          f.complete(ByteBufUtil.getBytes(b));
        } finally {
          b.release();
        }
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  /** Reads on another thread until end of input; everything read. */
  private static CompletableFuture<byte[]> readAllAsync(Console c) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = c.read()) != null) {
          try {
            if (!b.isReadable()) {
              throw new AssertionError("read returned an empty buffer (use null for end of input)");
            }
            b.readBytes(out, b.readableBytes());
          } finally {
            b.release();
          }
        }
        f.complete(out.toByteArray());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  private byte[] await(CompletableFuture<byte[]> f, String what) throws Exception {
    try {
      return f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fail("console read did not return within " + timeout() + ": " + what);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw (Error) e.getCause();
    }
  }
}
