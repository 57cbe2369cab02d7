package io.morgana.net.dhcp;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.server.DhcpPool;
import io.morgana.net.dhcp.server.LeaseDatabase;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A DHCP server on the component's {@link TcpipStack}, which must have a static address (its
 * server identifier and network): {@code --dhcp-range=FIRST-LAST} (required), {@code
 * --lease-db=FILE}, {@code --dhcp-router=}, {@code --dhcp-dns=A,B}, {@code --dhcp-domain=},
 * {@code --dhcp-lease-time=SECONDS}, {@code --dhcp-max-lease-time=SECONDS}, {@code
 * --dhcp-reserve=MAC=ADDRESS,...}.
 */
@Module(includes = BootKeysModule.class)
public final class DhcpServerModule {

  public static final BootKey<Ipv4Address[]> RANGE =
      BootKey.required("dhcp-range", "addresses to lease, FIRST-LAST, e.g. 192.0.2.100-192.0.2.200", DhcpPool::parseRange);
  public static final BootKey<Optional<Path>> LEASE_DB =
      BootKey.optional("lease-db", "file keeping the leases across restarts (written crash-safely)", Path::of);
  public static final BootKey<Optional<Ipv4Address>> ROUTER =
      BootKey.optional("dhcp-router", "router to announce (option 3)", Ipv4Address::parse);
  public static final BootKey<List<Ipv4Address>> DNS =
      BootKey.of("dhcp-dns", "DNS servers to announce, comma-separated (option 6)", List.of(),
          s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Ipv4Address::parse).toList());
  public static final BootKey<Optional<String>> DOMAIN =
      BootKey.optional("dhcp-domain", "domain name to announce (option 15)", s -> s);
  public static final BootKey<Integer> LEASE_TIME =
      BootKey.integer("dhcp-lease-time", "lease time in seconds when the client asks for none", 3600, 1, Integer.MAX_VALUE);
  public static final BootKey<Integer> MAX_LEASE_TIME =
      BootKey.integer("dhcp-max-lease-time", "longest lease time in seconds", 86400, 1, Integer.MAX_VALUE);
  public static final BootKey<Map<MacAddress, Ipv4Address>> RESERVE =
      BootKey.of("dhcp-reserve", "fixed addresses, MAC=ADDRESS,MAC=ADDRESS", Map.of(), DhcpServerModule::parseReservations);

  public static final List<BootKey<?>> KEYS = List.of(RANGE, LEASE_DB, ROUTER, DNS, DOMAIN, LEASE_TIME, MAX_LEASE_TIME, RESERVE);

  private DhcpServerModule() {}

  static Map<MacAddress, Ipv4Address> parseReservations(String text) {
    Map<MacAddress, Ipv4Address> out = new LinkedHashMap<>();
    for (String item : text.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected MAC=ADDRESS, got '" + item + "'");
      }
      out.put(MacAddress.parse(item.substring(0, eq).trim()), Ipv4Address.parse(item.substring(eq + 1).trim()));
    }
    return out;
  }

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  /** The pool from the boot arguments, on the network of {@code address}. */
  public static DhcpPool pool(BootArguments args, Ipv4Cidr address) {
    Ipv4Address[] range = args.get(RANGE);
    int dflt = args.get(LEASE_TIME);
    int max = Math.max(dflt, args.get(MAX_LEASE_TIME));
    return DhcpPool.of(address, range[0], range[1]).withRouter(args.get(ROUTER)).withDns(args.get(DNS))
        .withDomain(args.get(DOMAIN)).withLeases(Duration.ofSeconds(dflt), Duration.ofSeconds(max))
        .withReservations(args.get(RESERVE));
  }

  @Provides
  @Singleton
  static StackDhcpServer server(TcpipStack stack, EventLoop loop, BootArguments args, Lifecycle lifecycle) {
    Ipv4Cidr address = stack.ip().address().orElseThrow(
        () -> new IllegalArgumentException("a DHCP server needs a static address: give --ipv4=ADDRESS/PREFIX"));
    try {
      StackDhcpServer s = new StackDhcpServer(stack, loop, pool(args, address), args.get(LEASE_DB).map(LeaseDatabase::new),
          Clock.systemUTC());
      lifecycle.onShutdown(s);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lease database " + args.get(LEASE_DB).orElseThrow(), e);
    }
  }
}
