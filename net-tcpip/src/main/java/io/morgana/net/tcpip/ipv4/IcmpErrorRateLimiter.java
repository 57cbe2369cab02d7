package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.icmp.TokenBucket;
import java.util.concurrent.TimeUnit;

/** Placeholder until the per-destination limiter lands: one global bucket. */
public final class IcmpErrorRateLimiter {
  private final TokenBucket bucket = new TokenBucket(10, TimeUnit.SECONDS.toNanos(1) / 10);

  public boolean tryAcquire(int destination, long nowNanos) {
    return bucket.tryTake(nowNanos);
  }
}
