package io.morgana.http.wire;

/**
 * A request that cannot be served as sent, with the status code that says why: 400 (bad
 * syntax), 413 (body too large), 414 (request line too long), 431 (header section too large),
 * 501 (a transfer coding we do not implement) or 505 (an HTTP version we do not speak). The
 * only exception the parsers of this package throw for untrusted bytes. After it the server
 * answers with {@link #status()} and closes the connection: the message framing is lost.
 */
public final class MalformedRequestException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * @param status the 4xx or 5xx status to answer with
   * @param message what was wrong, for the log (never sent to the client)
   */
  public MalformedRequestException(int status, String message) {
    super(message, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    this.status = status;
  }

  /** The status code to answer with. */
  public int status() {
    return status;
  }

  @Override
  public String getMessage() {
    return status + ": " + super.getMessage();
  }
}
