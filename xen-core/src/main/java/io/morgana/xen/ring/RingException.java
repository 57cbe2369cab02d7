package io.morgana.xen.ring;

/**
 * The peer broke a shared ring's rules: it moved an index further than the ring allows
 * ({@code RING_RESPONSE_PROD_OVERFLOW}, {@code RING_REQUEST_PROD_OVERFLOW} in {@code io/ring.h};
 * {@code prod - cons > size} on a byte ring), or backwards. The ring cannot be trusted after this:
 * a driver reports the device broken. The one exception type of this package: no index value
 * ever causes anything else.
 */
public final class RingException extends RuntimeException {

  /** A broken ring, saying how. */
  public RingException(String message) {
    super(message);
  }
}
