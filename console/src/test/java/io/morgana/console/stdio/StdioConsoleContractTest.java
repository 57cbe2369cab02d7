package io.morgana.console.stdio;

import io.morgana.api.Console;
import io.morgana.testkit.contract.ConsoleContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;

/**
 * The stdio console against the {@link ConsoleContract}, over two operating-system pipes (as
 * standard input and output are when a kernel runs in a shell pipeline): the test writes into
 * one, the console reads it; the console writes into the other, a thread drains it.
 */
class StdioConsoleContractTest extends ConsoleContract {

  @Override
  protected Fixture open() throws IOException {
    Pipe stdin = Pipe.open();
    Pipe stdout = Pipe.open();
    InputStream consoleIn = Channels.newInputStream(stdin.source());
    OutputStream consoleOut = Channels.newOutputStream(stdout.sink());
    OutputStream feed = Channels.newOutputStream(stdin.sink());
    ByteArrayOutputStream drained = new ByteArrayOutputStream();
    Thread drain =
        Thread.ofPlatform()
            .name("stdout-drain")
            .start(
                () -> {
                  try (InputStream in = Channels.newInputStream(stdout.source())) {
                    in.transferTo(drained);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
    StdioConsole console = new StdioConsole(consoleIn, consoleOut);
    return new Fixture() {
      @Override
      public Console console() {
        return console;
      }

      @Override
      public void input(byte[] bytes) throws IOException {
        feed.write(bytes);
        feed.flush();
      }

      @Override
      public void endInput() throws IOException {
        feed.close();
      }

      @Override
      public byte[] output() throws IOException {
        // The console never closes the descriptor it writes to (standard output outlives it):
        // the fixture ends the pipe so that the drain sees end of file.
        consoleOut.close();
        try {
          drain.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
        synchronized (drained) {
          return drained.toByteArray();
        }
      }

      @Override
      public void close() throws IOException {
        feed.close();
        consoleIn.close();
        output(); // ends the output pipe and waits for the drain, which closes its end
      }
    };
  }
}
