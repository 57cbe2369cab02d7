package io.morgana.testkit.contract;

import io.morgana.api.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;

/** {@link ConsoleContract} holds for a console over a pipe (input) and a byte array (output). */
class PipeConsoleContractTest extends ConsoleContract {

  @Override
  protected Fixture open() throws IOException {
    PipedInputStream in = new PipedInputStream(1 << 16);
    PipedOutputStream feed = new PipedOutputStream(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PipeConsole console = new PipeConsole(in, out);
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
      public byte[] output() {
        synchronized (out) {
          return out.toByteArray();
        }
      }

      @Override
      public void close() throws IOException {
        feed.close();
        in.close();
      }
    };
  }
}
