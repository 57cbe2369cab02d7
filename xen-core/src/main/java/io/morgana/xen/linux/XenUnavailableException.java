package io.morgana.xen.linux;

/**
 * This machine is not a Xen guest with the user-space Xen devices Morgana needs (or we may not
 * open them). It reports the machine's configuration, not a bug: without a cause it carries no
 * stack trace, so a kernel that logs it at boot shows the sentence alone.
 */
public final class XenUnavailableException extends IllegalStateException {

  /** Says what is missing and how to get it. */
  public XenUnavailableException(String message) {
    super(message);
    setStackTrace(new StackTraceElement[0]);
  }

  /** Says what is missing, with the cause. */
  public XenUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
