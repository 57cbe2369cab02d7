package io.morgana.xen.linux;

/** This machine is not a Xen guest with the user-space Xen devices Morgana needs (or we may not open them). */
public final class XenUnavailableException extends IllegalStateException {

  /** Says what is missing and how to get it. */
  public XenUnavailableException(String message) {
    super(message);
  }

  /** Says what is missing, with the cause. */
  public XenUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
