package io.morgana.api;

import java.io.IOException;

/**
 * A block request that was refused (out of range, misaligned, read-only device) or that the
 * device failed. The message names the request.
 */
public class BlockException extends IOException {

  private static final long serialVersionUID = 1L;

  public BlockException(String message) {
    super(message);
  }

  public BlockException(String message, Throwable cause) {
    super(message, cause);
  }
}
