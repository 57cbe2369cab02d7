package io.morgana.net.tcpip;

import io.morgana.net.tcpip.internal.ProtocolCounter;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of every protocol layer's counters in a {@link TcpipStack}: the one stats view
 * gathered from the counters each layer owns ({@code EthernetCounter}, {@code ArpCounter},
 * {@code Ipv4Counter}, {@code IcmpCounter}, {@code UdpCounter}, and those of layers added later).
 */
public final class TcpipStats {

  private final Map<Class<?>, long[]> values = new IdentityHashMap<>();
  private final List<ProtocolCounter> order;

  TcpipStats(List<ProtocolCounters<?>> layers) {
    List<ProtocolCounter> all = new java.util.ArrayList<>();
    for (ProtocolCounters<?> layer : layers) {
      ProtocolCounter[] cs = layer.counters();
      if (cs.length > 0) {
        values.put(enumType(cs[0]), layer.snapshot());
        all.addAll(Arrays.asList(cs));
      }
    }
    order = List.copyOf(all);
  }

  private static Class<?> enumType(ProtocolCounter c) {
    return ((Enum<?>) c).getDeclaringClass();
  }

  /** The value of {@code counter}; 0 for a protocol this stack does not have. */
  public <C extends Enum<C> & ProtocolCounter> long get(C counter) {
    long[] v = values.get(counter.getDeclaringClass());
    return v == null ? 0 : v[counter.ordinal()];
  }

  /**
   * The counters that are not zero, in layer order, named {@code protocol.NAME}
   * ({@code "ipv4.RX_DROP_BAD_SOURCE"}).
   */
  public Map<String, Long> nonZero() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (ProtocolCounter c : order) {
      long v = values.get(enumType(c))[c.ordinal()];
      if (v != 0) {
        m.put(c.protocol() + "." + c.name(), v);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /** Every counter of the stack, in layer order (for exporters: name, help text, value). */
  public List<ProtocolCounter> counters() {
    return order;
  }

  /** The value of {@code counter} as a number, for exporters that hold counters by interface. */
  public long value(ProtocolCounter counter) {
    long[] v = values.get(enumType(counter));
    return v == null ? 0 : v[counter.ordinal()];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TcpipStats s && nonZero().equals(s.nonZero());
  }

  @Override
  public int hashCode() {
    return nonZero().hashCode();
  }

  /** The non-zero counters, {@code protocol.NAME=value}. */
  @Override
  public String toString() {
    return "TcpipStats" + nonZero();
  }
}
