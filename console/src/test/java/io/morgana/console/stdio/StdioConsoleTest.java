package io.morgana.console.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Console;
import io.morgana.runtime.Lifecycle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StdioConsoleTest {

  /** Records what reached the stream at each flush: what a reader at the other end could see. */
  static final class FlushRecorder extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<String> flushed = new ArrayList<>();
    boolean failing;

    @Override
    public synchronized void write(int b) throws IOException {
      if (failing) {
        throw new IOException("broken pipe (simulated)");
      }
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (failing) {
        throw new IOException("broken pipe (simulated)");
      }
      bytes.write(b, off, len);
    }

    @Override
    public synchronized void flush() {
      flushed.add(bytes.toString(StandardCharsets.UTF_8));
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private final FlushRecorder out = new FlushRecorder();

  private StdioConsole console(String input) {
    return new StdioConsole(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);
  }

  @Test
  void logWritesTheLineInUtf8WithANewline_flushedBeforeReturning() throws Exception {
    StdioConsole console = console("");
    console.log("hello");
    assertEquals(List.of("hello\n"), out.flushed);
    console.log("wörld ☃");
    assertEquals(List.of("hello\n", "hello\nwörld ☃\n"), out.flushed);
  }

  @Test
  void writeWritesTheReadableBytes_flushes_andReleasesTheBuffer() throws Exception {
    StdioConsole console = console("");
    ByteBuf buf = Unpooled.buffer();
    buf.writeBytes("xxabc".getBytes(StandardCharsets.US_ASCII));
    buf.skipBytes(2);
    console.write(buf);
    assertEquals(0, buf.refCnt());
    assertEquals(List.of("abc"), out.flushed);
  }

  @Test
  void writeReleasesTheBufferEvenWhenTheStreamFails() {
    StdioConsole console = console("");
    out.failing = true;
    ByteBuf buf = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
    assertThrows(IOException.class, () -> console.write(buf));
    assertEquals(0, buf.refCnt());
    assertThrows(IOException.class, () -> console.log("x"));
  }

  @Test
  void concurrentLogLinesNeverInterleave() throws Exception {
    StdioConsole console = console("");
    int threads = 4;
    int lines = 500;
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String line = ("thread-" + t + "-").repeat(20);
      started.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < lines; i++) {
                      try {
                        console.log(line);
                      } catch (IOException e) {
                        throw new AssertionError(e);
                      }
                    }
                  }));
    }
    for (Thread t : started) {
      t.join();
    }
    String[] written = out.text().split("\n", -1);
    assertEquals(threads * lines + 1, written.length);
    assertEquals("", written[written.length - 1]);
    Set<String> distinct = new HashSet<>(List.of(written).subList(0, threads * lines));
    assertEquals(threads, distinct.size(), "lines were torn: " + distinct.size() + " distinct lines");
  }

  @Test
  void readReturnsWhatArrivesThenNullAtEndOfInput() throws Exception {
    StdioConsole console = console("line one\nline two\n");
    StringBuilder got = new StringBuilder();
    ByteBuf chunk;
    while ((chunk = console.read()) != null) {
      try {
        assertTrue(chunk.readableBytes() > 0 && chunk.readableBytes() <= StdioConsole.READ_SIZE);
        got.append(chunk.toString(StandardCharsets.UTF_8));
      } finally {
        chunk.release();
      }
    }
    assertEquals("line one\nline two\n", got.toString());
    assertNull(console.read());
  }

  @Test
  void readDeliversLargeInputInBoundedChunks() throws Exception {
    String big = "x".repeat(3 * StdioConsole.READ_SIZE + 17);
    StdioConsole console = console(big);
    int total = 0;
    int chunks = 0;
    ByteBuf chunk;
    while ((chunk = console.read()) != null) {
      total += chunk.readableBytes();
      chunks++;
      chunk.release();
    }
    assertEquals(big.length(), total);
    assertEquals(4, chunks);
  }

  @Test
  void closeFlushes_isIdempotent_andRefusesLaterUse() throws Exception {
    StdioConsole console = console("pending");
    console.log("last");
    console.close();
    console.close();
    assertEquals("last\n", out.flushed.getLast());
    assertThrows(IOException.class, () -> console.log("after"));
    ByteBuf buf = Unpooled.copiedBuffer("after", StandardCharsets.US_ASCII);
    assertThrows(IOException.class, () -> console.write(buf));
    assertEquals(0, buf.refCnt());
    assertThrows(IOException.class, console::read);
    assertEquals("last\n", out.text());
  }

  @Test
  void readErrorsPropagate() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("EIO (simulated)");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw new IOException("EIO (simulated)");
          }
        };
    StdioConsole console = new StdioConsole(broken, out);
    assertThrows(IOException.class, console::read);
  }

  @Singleton
  @Component(modules = StdioConsoleModule.class)
  interface StdioComponent {
    Console console();

    @Component.Factory
    interface Factory {
      StdioComponent create(@BindsInstance Lifecycle lifecycle);
    }
  }

  @Test
  void moduleBindsOneStdioConsole_closedAtShutdown() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    StdioComponent component = DaggerStdioConsoleTest_StdioComponent.factory().create(lifecycle);
    Console console = component.console();
    assertInstanceOf(StdioConsole.class, console);
    assertTrue(console == component.console(), "a singleton");
    lifecycle.close();
    assertThrows(IOException.class, () -> console.log("after shutdown"));
  }
}
