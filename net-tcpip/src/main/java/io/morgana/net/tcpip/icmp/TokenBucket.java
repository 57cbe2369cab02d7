package io.morgana.net.tcpip.icmp;

/**
 * A token bucket on caller-supplied time (RFC 1812 §4.3.2.8 suggests one for ICMP errors):
 * holds at most {@code capacity} tokens, one more every {@code intervalNanos}.
 */
public final class TokenBucket {

  private final int capacity;
  private final long intervalNanos;
  private int tokens;
  private long lastRefill;
  private boolean started;

  public TokenBucket(int capacity, long intervalNanos) {
    if (capacity < 1 || intervalNanos < 1) {
      throw new IllegalArgumentException("capacity and interval must be positive");
    }
    this.capacity = capacity;
    this.intervalNanos = intervalNanos;
    this.tokens = capacity;
  }

  /** Takes a token at {@code now} if there is one. */
  public boolean tryTake(long now) {
    if (!started) {
      started = true;
      lastRefill = now;
    } else if (now - lastRefill >= intervalNanos) {
      long add = (now - lastRefill) / intervalNanos;
      tokens = (int) Math.min(capacity, tokens + add);
      lastRefill += add * intervalNanos;
    }
    if (tokens > 0) {
      tokens--;
      return true;
    }
    return false;
  }
}
