package io.morgana.xen.store;

/** No reply to a XenStore request within the client's timeout. {@link #errnoName()} is {@code ETIMEDOUT}. */
public final class XenStoreTimeoutException extends XenStoreException {

  /** A timeout of the request described by {@code message}. */
  public XenStoreTimeoutException(String message) {
    super("ETIMEDOUT", message);
  }
}
