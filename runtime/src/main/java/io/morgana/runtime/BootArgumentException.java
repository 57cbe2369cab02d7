package io.morgana.runtime;

/**
 * A boot argument that cannot be accepted: an unknown key, a malformed value, a missing value, a
 * repeated key. The message names the key and quotes the offending text; {@link Kernel} prints it
 * with a hint to try {@code --help} and exits with status 2.
 */
public final class BootArgumentException extends Exception {

  /** An exception with {@code message}, which names the argument. */
  public BootArgumentException(String message) {
    super(message);
  }

  /** An exception with {@code message}, caused by a parser's {@code cause}. */
  public BootArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
