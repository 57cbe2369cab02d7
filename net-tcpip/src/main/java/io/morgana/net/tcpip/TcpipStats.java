package io.morgana.net.tcpip;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a {@link TcpipStack}'s {@link Counter}s.
 *
 * @param values one value per counter, indexed by {@link Counter#ordinal()} (a defensive copy)
 */
public record TcpipStats(long[] values) {

  public TcpipStats {
    if (values.length != Counter.values().length) {
      throw new IllegalArgumentException("expected " + Counter.values().length + " values");
    }
    values = values.clone();
  }

  /** The value of {@code counter}. */
  public long get(Counter counter) {
    return values[counter.ordinal()];
  }

  /** The counters that are not zero, in declaration order. */
  public Map<Counter, Long> nonZero() {
    Map<Counter, Long> m = new EnumMap<>(Counter.class);
    for (Counter c : Counter.values()) {
      if (values[c.ordinal()] != 0) {
        m.put(c, values[c.ordinal()]);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public long[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TcpipStats s && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  /** The non-zero counters, {@code NAME=value} separated by commas. */
  @Override
  public String toString() {
    return "TcpipStats" + nonZero();
  }
}
