package io.morgana.mgmt.tcpip;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.mgmt.Command;
import io.morgana.mgmt.CommandResult;
import io.morgana.mgmt.TextTable;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.arp.ArpEntry;
import io.morgana.net.tcpip.tcp.TcpConnectionInfo;
import io.morgana.runtime.LoopBridge;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * The stack's commands: {@code conns}, {@code arp} and {@code routes}. Each copies what it shows
 * on the loop (one {@link LoopBridge#call}) and formats it on the calling thread.
 */
public final class TcpipCommands {

  private TcpipCommands() {}

  /** {@code conns}: listeners and open TCP connections with state, queues, SRTT, RTO and cwnd. */
  public static Command conns(LoopBridge bridge, TcpipStack stack) {
    return Command.of("conns", "TCP listeners and connections: state, send and receive queues, RTT, RTO, cwnd",
        args -> {
          if (!args.isEmpty()) {
            return CommandResult.badArguments("conns takes no arguments");
          }
          record View(List<Integer> ports, List<TcpConnectionInfo> conns) {}
          View v = onLoop(bridge, "conns",
              now -> new View(stack.tcpLayer().listeningPorts(), stack.tcpLayer().connections()));
          TextTable t = new TextTable("STATE", "LOCAL", "REMOTE", "SEND-Q", "RECV-Q", "SRTT-MS", "RTO-MS", "CWND");
          for (int port : v.ports()) {
            t.row("listen", "*:" + port, "*:*", "", "", "", "", "");
          }
          v.conns().stream()
              .sorted(Comparator.comparing((TcpConnectionInfo c) -> c.local().port())
                  .thenComparing(c -> c.remote().toString()))
              .forEach(c -> t.row(c.state().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                  c.local().toString(), c.remote().toString(), Long.toString(c.sendQueued()),
                  Long.toString(c.receiveQueued()),
                  c.smoothedRttNanos() < 0 ? "-" : millis(c.smoothedRttNanos()), millis(c.rtoNanos()),
                  Long.toString(c.congestionWindow())));
          return CommandResult.ok(t + "\n" + v.ports().size() + " listening, " + v.conns().size() + " connections");
        });
  }

  /** {@code arp}: the ARP cache. */
  public static Command arp(LoopBridge bridge, TcpipStack stack) {
    return Command.of("arp", "the ARP cache: address, hardware address, seconds left, packets waiting", args -> {
      if (!args.isEmpty()) {
        return CommandResult.badArguments("arp takes no arguments");
      }
      List<ArpEntry> entries = onLoop(bridge, "arp", now -> stack.arp().entries(now));
      TextTable t = new TextTable("ADDRESS", "HWADDRESS", "EXPIRES-S", "QUEUED");
      for (ArpEntry e : entries) {
        t.row(e.address().toString(), e.mac().map(Object::toString).orElse("(incomplete)"),
            e.mac().isEmpty() ? "-" : Long.toString(e.expiresInNanos() / 1_000_000_000L),
            Integer.toString(e.queuedPackets()));
      }
      return CommandResult.ok(t + "\n" + entries.size() + " entries");
    });
  }

  /** {@code routes}: the interface's subnet and the default route. */
  public static Command routes(LoopBridge bridge, TcpipStack stack, String netifLabel) {
    return Command.of("routes", "the IPv4 routes: the interface's subnet and the default gateway", args -> {
      if (!args.isEmpty()) {
        return CommandResult.badArguments("routes takes no arguments");
      }
      record View(Optional<Ipv4Cidr> address, Optional<Ipv4Address> gateway, int mtu) {}
      View v = onLoop(bridge, "routes", now -> new View(stack.ip().address(), stack.ip().gateway(), stack.netif().mtu()));
      if (v.address().isEmpty()) {
        return CommandResult.ok("no routes: " + netifLabel + " has no IPv4 address yet");
      }
      Ipv4Cidr a = v.address().get();
      TextTable t = new TextTable("DESTINATION", "GATEWAY", "DEV", "SRC", "MTU");
      t.row(a.network() + "/" + a.prefixLength(), "-", netifLabel, a.address().toString(), Integer.toString(v.mtu()));
      v.gateway().ifPresent(g -> t.row("default", g.toString(), netifLabel, a.address().toString(),
          Integer.toString(v.mtu())));
      return CommandResult.ok(t.toString());
    });
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static <T> T onLoop(LoopBridge bridge, String what, LongFunction<T> read) throws IOException {
    return bridge.call(what, (CompletableFuture<T> f) -> f.complete(read.apply(bridge.loop().nowNanos())));
  }
}
