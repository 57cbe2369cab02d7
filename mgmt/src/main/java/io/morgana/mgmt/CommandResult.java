package io.morgana.mgmt;

import java.util.Objects;

/**
 * What a command answered: plain text, and whether it did what was asked.
 *
 * @param outcome how it went
 * @param text the answer, for a person to read; ends without a newline (transports add one)
 */
public record CommandResult(Outcome outcome, String text) {

  /** How a command went; each transport maps it to its own status (HTTP: 200, 400, 404, 500). */
  public enum Outcome {
    /** Done. */
    OK,
    /** The arguments were wrong; {@code text} says how to call it. */
    BAD_ARGUMENTS,
    /** No command has that name. */
    UNKNOWN_COMMAND,
    /** The command failed while running; {@code text} says why. */
    FAILED
  }

  public CommandResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(text, "text");
  }

  /** Done, answering {@code text}. */
  public static CommandResult ok(String text) {
    return new CommandResult(Outcome.OK, text);
  }

  /** Refused: the arguments were wrong, as {@code text} explains. */
  public static CommandResult badArguments(String text) {
    return new CommandResult(Outcome.BAD_ARGUMENTS, text);
  }

  /** Whether the command did what was asked. */
  public boolean isOk() {
    return outcome == Outcome.OK;
  }
}
