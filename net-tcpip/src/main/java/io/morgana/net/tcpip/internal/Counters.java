package io.morgana.net.tcpip.internal;

import io.morgana.net.tcpip.Counter;
import io.morgana.net.tcpip.TcpipStats;

/**
 * The mutable counters behind {@link TcpipStats}: written on the loop thread only, read
 * (approximately, without synchronisation) from any thread.
 */
public final class Counters {

  private final long[] values = new long[Counter.values().length];

  /** Adds one to {@code counter}. */
  public void increment(Counter counter) {
    values[counter.ordinal()]++;
  }

  /** Adds {@code n} to {@code counter}. */
  public void add(Counter counter, long n) {
    values[counter.ordinal()] += n;
  }

  /** The current value of {@code counter}. */
  public long get(Counter counter) {
    return values[counter.ordinal()];
  }

  /** A snapshot. */
  public TcpipStats snapshot() {
    return new TcpipStats(values);
  }
}
