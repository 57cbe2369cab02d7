package io.morgana.mgmt.tcpip;

import io.morgana.api.NetifStats;
import io.morgana.mgmt.MetricsSource;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpipStats;
import io.morgana.net.tcpip.internal.ProtocolCounter;
import io.morgana.net.tcpip.tcp.TcpConnectionInfo;
import io.morgana.net.tcpip.tcp.TcpState;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics of one {@link TcpipStack}: its interface ({@code morgana_netif_*_total{netif=…}}),
 * every layer's counters, TCP connections by state, listeners, held receive data, the ARP cache
 * and IPv4 reassembly in progress.
 *
 * <p>A layer counter {@code PROTO.NAME} becomes {@code morgana_PROTO_name_total} with the
 * counter's description as help; the drop counters of one direction share a family with a
 * {@code reason} label (and "for us" is spelt "for this host", which promtool does not take for
 * microseconds), so that {@code rate(morgana_ipv4_rx_dropped_total[1m])} is every drop:
 * {@code ipv4.RX_DROP_BAD_CHECKSUM} is {@code morgana_ipv4_rx_dropped_total{reason="bad_checksum"}}.
 */
public final class TcpipMetrics implements MetricsSource {

  private static final TcpState[] STATES = TcpState.values();

  private final TcpipStack stack;
  private final Labels netif;

  /** Metrics of {@code stack}, its interface labelled {@code netif="<netifLabel>"}. */
  public TcpipMetrics(TcpipStack stack, String netifLabel) {
    this.stack = stack;
    this.netif = Labels.of("netif", netifLabel);
  }

  @Override
  public Reading read(long nowNanos) {
    NetifStats link = stack.netif().stats();
    TcpipStats layers = stack.stats();
    long[] byState = new long[STATES.length];
    for (TcpConnectionInfo c : stack.tcpLayer().connections()) {
      byState[c.state().ordinal()]++;
    }
    int listeners = stack.tcpLayer().listeningPorts().size();
    long held = stack.tcpLayer().receiveHeld();
    int arpEntries = stack.arp().entryCount();
    int arpQueued = stack.arp().queuedPackets();
    int reassemblies = stack.ip().reassembliesInProgress();
    return out -> {
      out.add(counter("morgana_netif_rx_packets", "frames received from the interface", link.rxFrames()));
      out.add(bytes("morgana_netif_rx", "bytes of the frames received from the interface", link.rxBytes()));
      out.add(counter("morgana_netif_rx_dropped", "frames received but dropped by the interface", link.rxDropped()));
      out.add(counter("morgana_netif_tx_packets", "frames handed to the interface", link.txFrames()));
      out.add(bytes("morgana_netif_tx", "bytes of the frames handed to the interface", link.txBytes()));
      out.add(counter("morgana_netif_tx_dropped", "frames the interface dropped on sending", link.txDropped()));
      layerCounters(layers, out);
      GaugeSnapshot.Builder conns = GaugeSnapshot.builder().name("morgana_tcp_connections")
          .help("TCP connections in the table by RFC 9293 state (LISTEN: see morgana_tcp_listeners)");
      for (TcpState s : STATES) {
        if (s != TcpState.LISTEN) {
          conns.dataPoint(GaugeDataPointSnapshot.builder()
              .labels(Labels.of("state", s.name().toLowerCase(Locale.ROOT))).value(byState[s.ordinal()]).build());
        }
      }
      out.add(conns.build());
      out.add(gauge("morgana_tcp_listeners", "TCP ports listening", listeners, null));
      out.add(gauge("morgana_tcp_receive_held_bytes", "bytes of TCP data received and not yet read, or out of order",
          held, Unit.BYTES));
      out.add(gauge("morgana_arp_cache_entries", "ARP cache entries, resolved or resolving", arpEntries, null));
      out.add(gauge("morgana_arp_queued_packets", "datagrams waiting for their next hop to resolve", arpQueued, null));
      out.add(gauge("morgana_ipv4_reassemblies", "IPv4 datagrams being reassembled from fragments", reassemblies,
          null));
    };
  }

  private CounterSnapshot counter(String name, String help, long value) {
    return CounterSnapshot.builder().name(name).help(help)
        .dataPoint(CounterDataPointSnapshot.builder().labels(netif).value(value).build()).build();
  }

  private CounterSnapshot bytes(String name, String help, long value) {
    return CounterSnapshot.builder().name(name + "_bytes").help(help).unit(Unit.BYTES)
        .dataPoint(CounterDataPointSnapshot.builder().labels(netif).value(value).build()).build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value, Unit unit) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    if (unit != null) {
      b.unit(unit);
    }
    return b.dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
  }

  /** One family per counter, or per drop direction with a {@code reason} label. */
  static void layerCounters(TcpipStats stats, List<MetricSnapshot> out) {
    Map<String, CounterSnapshot.Builder> families = new LinkedHashMap<>();
    for (ProtocolCounter c : stats.counters()) {
      String name = c.name().toLowerCase(Locale.ROOT);
      int drop = name.indexOf("_drop_");
      String family;
      Labels labels;
      String help;
      if (drop > 0) {
        family = "morgana_" + c.protocol() + "_" + name.substring(0, drop) + "_dropped";
        labels = Labels.of("reason", name.substring(drop + "_drop_".length()));
        help = c.protocol() + " " + name.substring(0, drop).replace('_', ' ') + " drops, by reason";
      } else {
        // promtool reads "_us" as microseconds, an abbreviated unit: ARP's RX_IGNORED_NOT_FOR_US.
        family = "morgana_" + c.protocol() + "_" + name.replace("_for_us", "_for_this_host");
        labels = Labels.EMPTY;
        help = c.description();
      }
      families.computeIfAbsent(family, f -> CounterSnapshot.builder().name(f).help(help))
          .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(stats.value(c)).build());
    }
    for (CounterSnapshot.Builder b : families.values()) {
      out.add(b.build());
    }
  }
}
