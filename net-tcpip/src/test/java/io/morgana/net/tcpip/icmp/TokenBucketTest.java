package io.morgana.net.tcpip.icmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static int take(TokenBucket b, long now, int tries) {
    int n = 0;
    for (int i = 0; i < tries; i++) {
      if (b.tryTake(now)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void rfc1812_4_3_2_8_burstThenSteadyRate() {
    TokenBucket b = new TokenBucket(10, 100);
    assertEquals(10, take(b, -5_000, 50), "a full bucket at the start, whatever the clock's origin");
    assertFalse(b.tryTake(-4_901));
    assertTrue(b.tryTake(-4_900));
    assertEquals(3, take(b, -4_600, 50), "one token per interval");
    assertEquals(10, take(b, 1_000_000, 50), "never more than the capacity");
  }
}
