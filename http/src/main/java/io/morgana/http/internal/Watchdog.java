package io.morgana.http.internal;

/**
 * The deadline a connection's blocking calls run under. The connection arms it before it waits
 * on its peer and disarms it while its handler works; whoever owns the clock (the server's
 * sweeper on the kernel loop) aborts the flow once an armed deadline has passed, which ends the
 * blocked read or write with an {@link java.io.IOException}. The connection itself never reads a
 * clock.
 */
public interface Watchdog {

  /** Never expires: for tests that drive a connection directly. */
  Watchdog NONE = new Watchdog() {
    @Override
    public void arm(long timeoutNanos) {}

    @Override
    public void disarm() {}

    @Override
    public boolean expired() {
      return false;
    }
  };

  /** The deadline is now plus {@code timeoutNanos}. */
  void arm(long timeoutNanos);

  /** No deadline. */
  void disarm();

  /** Whether the deadline passed and the flow was aborted for it. */
  boolean expired();
}
