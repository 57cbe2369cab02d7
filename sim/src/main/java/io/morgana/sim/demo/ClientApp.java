package io.morgana.sim.demo;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.net.dhcp.DhcpLeases;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.EventLoop;
import io.morgana.sim.SimHost;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A demo client: configured by DHCP ({@code --dhcp}); with {@code --fetch=ADDRESS/PATH} it fetches
 * that page over {@link MinimalHttp10} once it has a lease, retrying every 2 s until one fetch
 * succeeds. Keeps the page for the invariants.
 */
@Singleton
public final class ClientApp implements Application {

  /** {@code --fetch=192.0.2.2/index.html}. */
  public static final BootKey<Optional<String>> FETCH =
      BootKey.optional("fetch", "a page to fetch once leased: SERVER-ADDRESS/PATH", s -> {
        int slash = s.indexOf('/');
        if (slash < 0) {
          throw new IllegalArgumentException("expected ADDRESS/PATH, got " + s);
        }
        Ipv4Address.parse(s.substring(0, slash));
        return s;
      });

  private static final long RETRY_NANOS = 2_000_000_000L;

  private final DhcpLeases leases;
  private final Tcp tcp;
  private final EventLoop loop;
  private final SimHost host;
  private final Optional<Endpoint> server;
  private final String path;
  private byte[] page;
  private boolean fetching;
  private int attempts;

  @Inject
  ClientApp(DhcpLeases leases, Tcp tcp, EventLoop loop, SimHost host, BootArguments args) {
    this.leases = leases;
    this.tcp = tcp;
    this.loop = loop;
    this.host = host;
    Optional<String> fetch = args.get(FETCH);
    this.server = fetch.map(f -> new Endpoint(Ipv4Address.parse(f.substring(0, f.indexOf('/'))), WebServerApp.PORT));
    this.path = fetch.map(f -> f.substring(f.indexOf('/'))).orElse(null);
  }

  @Override
  public CompletionStage<?> start() {
    leases.addListener(this::onLease);
    return new CompletableFuture<>(); // runs until the simulation ends
  }

  /** The lease held now, if any. */
  public Optional<DhcpLease> lease() {
    return leases.lease();
  }

  /** The path this client fetches, if it is an HTTP client. */
  public Optional<String> path() {
    return Optional.ofNullable(path);
  }

  /** The page fetched, once fetched. */
  public Optional<byte[]> page() {
    return Optional.ofNullable(page);
  }

  private void onLease(Optional<DhcpLease> lease) {
    host.log(lease.map(l -> "dhcp: bound " + l.address() + " from " + l.server() + " for " + l.leaseSeconds() + " s")
        .orElse("dhcp: lease lost"));
    maybeFetch();
  }

  private void maybeFetch() {
    if (server.isEmpty() || page != null || fetching || leases.lease().isEmpty()) {
      return;
    }
    fetching = true;
    attempts++;
    loop.offload(() -> MinimalHttp10.get(tcp, server.get(), path, Duration.ofSeconds(10)))
        .whenComplete((response, failure) -> {
          fetching = false;
          if (failure == null && response.status() == 200) {
            page = response.body();
            host.log("http: GET " + path + " -> 200, " + page.length + " bytes, sha-256 " + sha256(page) + " (attempt "
                + attempts + ")");
            return;
          }
          host.log("http: GET " + path + " failed: "
              + (failure != null ? failure.getMessage() : "status " + response.status()) + "; retry in 2 s");
          loop.schedule(loop.nowNanos() + RETRY_NANOS, this::maybeFetch);
        });
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
