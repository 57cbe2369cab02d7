package io.morgana.net.tcpip.internal;

/**
 * The counters of one protocol layer: written on the loop thread only, read (approximately,
 * without synchronisation) from any thread through a snapshot.
 *
 * @param <C> the layer's counter enum
 */
public final class ProtocolCounters<C extends Enum<C> & ProtocolCounter> {

  private final C[] counters;
  private final long[] values;

  /** Counters for every constant of {@code type}, all zero. */
  public ProtocolCounters(Class<C> type) {
    this.counters = type.getEnumConstants();
    this.values = new long[counters.length];
  }

  /** Adds one to {@code counter}. */
  public void increment(C counter) {
    values[counter.ordinal()]++;
  }

  /** Adds {@code n} to {@code counter}. */
  public void add(C counter, long n) {
    values[counter.ordinal()] += n;
  }

  /** The current value of {@code counter}. */
  public long get(C counter) {
    return values[counter.ordinal()];
  }

  /** The counters, in declaration order. */
  public C[] counters() {
    return counters.clone();
  }

  /** A copy of the values, indexed by ordinal. */
  public long[] snapshot() {
    return values.clone();
  }
}
