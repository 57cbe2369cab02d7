package io.morgana.http.internal;

import io.morgana.http.wire.StatusCodes;

/** The short text body of an error response the server makes itself. */
final class StatusText {

  private StatusText() {}

  static String of(int status) {
    String reason = StatusCodes.reason(status);
    return status + (reason.isEmpty() ? "" : " " + reason);
  }
}
