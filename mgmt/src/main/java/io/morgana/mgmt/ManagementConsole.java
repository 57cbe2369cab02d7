package io.morgana.mgmt;

import io.morgana.api.Console;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands typed on a {@link Console} (standard input of the socket target, the Xen PV console):
 * each line runs one command ({@link CommandRegistry#execute(String)}) and its answer is written
 * back, then a blank line. A line longer than {@link CommandRegistry#MAX_LINE_LENGTH} bytes is
 * skipped up to its end and answered with one error; a line that is not UTF-8 likewise. A
 * trailing {@code \r} is ignored, so a serial terminal's CR LF works.
 *
 * <p>The console is the operator's: whoever can type on it is trusted, as on a serial console,
 * so no token is asked. It is off unless the kernel is booted with {@code --mgmt-console}.
 */
public final class ManagementConsole {

  private static final Logger log = LoggerFactory.getLogger(ManagementConsole.class);

  private final Console console;
  private final CommandRegistry commands;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private boolean overlong;

  /** Commands from {@code console}, run by {@code commands}. */
  public ManagementConsole(Console console, CommandRegistry commands) {
    this.console = console;
    this.commands = commands;
  }

  /**
   * Reads lines and runs them until the console's input ends. Blocks: call it on an application
   * thread ({@link io.morgana.runtime.EventLoop#offload}).
   */
  public void serve() throws IOException {
    ByteBuf chunk;
    while ((chunk = console.read()) != null) {
      try {
        while (chunk.isReadable()) {
          byte b = chunk.readByte();
          if (b == '\n') {
            endOfLine();
          } else if (line.size() >= CommandRegistry.MAX_LINE_LENGTH) {
            overlong = true;
          } else {
            line.write(b);
          }
        }
      } finally {
        chunk.release();
      }
    }
    if (line.size() > 0 || overlong) {
      endOfLine();
    }
  }

  private void endOfLine() throws IOException {
    byte[] bytes = line.toByteArray();
    line.reset();
    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    if (overlong) {
      overlong = false;
      answer("line longer than " + CommandRegistry.MAX_LINE_LENGTH + " bytes: ignored");
      return;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      answer("the line is not UTF-8 text: ignored");
      return;
    }
    if (text.isBlank()) {
      return;
    }
    CommandResult r = commands.execute(text);
    log.debug("console command {}: {}", text, r.outcome());
    answer(r.isOk() ? r.text() : "error: " + r.text());
  }

  private void answer(String text) throws IOException {
    console.log(text + "\n");
  }
}
