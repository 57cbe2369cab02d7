package io.morgana.net.tcpip.ipv4;

import java.util.concurrent.TimeUnit;

/**
 * The memory budget and timeout of IPv4 reassembly.
 *
 * <p>Reassembly may hold at most {@code highThresholdBytes} of memory (buffers counted by their
 * capacity, plus an estimate of the bookkeeping per datagram and per fragment). A fragment that
 * would take it past the high threshold first evicts the oldest incomplete datagrams, until what
 * is held plus the new fragment is at most {@code lowThresholdBytes}; so datagrams that never
 * complete (lost fragments, or fragments sent on purpose by a host on the link) cost whoever is
 * oldest, never lock every other host out. An incomplete datagram is dropped {@code
 * timeoutNanos} after its first fragment arrived.
 *
 * <p>{@link #LINUX_DEFAULTS} are Linux's {@code net.ipv4.ipfrag_high_thresh} (4 MiB), {@code
 * net.ipv4.ipfrag_low_thresh} (3 MiB) and {@code net.ipv4.ipfrag_time} (30 s) defaults. The
 * eviction down to the low threshold is what Linux did until 4.17 ({@code inet_frag_evictor});
 * Linux now refuses every fragment while over the high threshold until timeouts free memory,
 * which is the lock-out this budget avoids. Thirty seconds is shorter than the 60 to 120 s RFC
 * 1122 §3.3.2 recommends, as on Linux: an incomplete datagram holds memory for less time.
 *
 * @param highThresholdBytes the most memory reassembly holds; positive
 * @param lowThresholdBytes what eviction brings it down to; at most {@code highThresholdBytes}
 * @param timeoutNanos how long a datagram may take to complete, from its first fragment; positive
 */
public record ReassemblyLimits(long highThresholdBytes, long lowThresholdBytes, long timeoutNanos) {

  /** Linux's defaults: 4 MiB high, 3 MiB low, 30 s. */
  public static final ReassemblyLimits LINUX_DEFAULTS =
      new ReassemblyLimits(4L << 20, 3L << 20, TimeUnit.SECONDS.toNanos(30));

  public ReassemblyLimits {
    if (highThresholdBytes <= 0 || lowThresholdBytes < 0 || lowThresholdBytes > highThresholdBytes) {
      throw new IllegalArgumentException(
          "need 0 <= low <= high and high > 0: low " + lowThresholdBytes + ", high " + highThresholdBytes);
    }
    if (timeoutNanos <= 0) {
      throw new IllegalArgumentException("timeout must be positive: " + timeoutNanos);
    }
  }
}
