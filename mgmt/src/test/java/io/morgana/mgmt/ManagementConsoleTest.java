package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Console;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lines typed on a console run commands; split, overlong and malformed lines get clear answers. */
class ManagementConsoleTest {

  /** A console whose input is a script of chunks and whose output is kept. */
  static final class ScriptedConsole implements Console {
    final Deque<ByteBuf> input = new ArrayDeque<>();
    final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();

    ScriptedConsole(byte[]... chunks) {
      for (byte[] c : chunks) {
        input.add(Unpooled.wrappedBuffer(c));
      }
    }

    @Override
    public void write(ByteBuf bytes) {
      output.add(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
      bytes.release();
    }

    @Override
    public void log(String line) {
      output.add(line);
    }

    @Override
    public ByteBuf read() {
      return input.poll();
    }

    @Override
    public void close() {}
  }

  private final CommandRegistry registry = new CommandRegistry(Map.of(
      "echo", Command.of("echo WORDS...", "answers its arguments", args -> args.isEmpty()
          ? CommandResult.badArguments("usage: echo WORDS...")
          : CommandResult.ok(String.join(" ", args)))));

  private List<String> run(byte[]... chunks) throws Exception {
    ScriptedConsole console = new ScriptedConsole(chunks);
    new ManagementConsole(console, registry).serve();
    return console.output;
  }

  @Test
  void eachLineRunsOneCommandEvenWhenSplitAcrossReads() throws Exception {
    assertEquals(List.of("a b\n", "c\n"), run("ech".getBytes(), "o a  b\r\n\necho c\n".getBytes()));
  }

  @Test
  void errorsAreSaidSo() throws Exception {
    assertEquals(List.of("error: usage: echo WORDS...\n"), run("echo\n".getBytes()));
    assertEquals("error: unknown command 'rm'", run("rm -rf /\n".getBytes()).get(0).lines().findFirst()
        .orElseThrow().split(";")[0]);
  }

  @Test
  void anOverlongOrMalformedLineIsSkippedWithOneAnswer() throws Exception {
    byte[] longLine = ("echo " + "x".repeat(10_000) + "\n").getBytes();
    assertEquals(List.of("line longer than 4096 bytes: ignored\n", "ok\n"), run(longLine, "echo ok\n".getBytes()));
    assertEquals(List.of("the line is not UTF-8 text: ignored\n", "ok\n"),
        run(new byte[] {'e', (byte) 0xc3, '\n'}, "echo ok".getBytes()));
  }
}
