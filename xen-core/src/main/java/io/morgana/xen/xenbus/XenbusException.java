package io.morgana.xen.xenbus;

/** The xenbus handshake went wrong: a malformed or unexpected peer state, missing keys, a driver failure. */
public final class XenbusException extends RuntimeException {

  /** An error described by {@code message}. */
  public XenbusException(String message) {
    super(message);
  }

  /** An error described by {@code message}, caused by {@code cause}. */
  public XenbusException(String message, Throwable cause) {
    super(message, cause);
  }
}
