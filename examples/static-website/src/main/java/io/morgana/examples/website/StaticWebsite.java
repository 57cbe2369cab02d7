package io.morgana.examples.website;

import io.morgana.api.Kv;
import io.morgana.api.Tcp;
import io.morgana.http.HttpServer;
import io.morgana.http.HttpSettings;
import io.morgana.http.KvFileHandler;
import io.morgana.http.ReadOnlyKvCache;
import io.morgana.mgmt.Management;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every file of a {@link Kv} over HTTP/1.1 ({@link KvFileHandler}: {@code index.html} for
 * directories, validators, ranges, large files streamed in pieces), written against {@link Tcp}
 * and {@link Kv} only: the target's component decides whether they are host sockets or Morgana's
 * own stack, and which disk. Nothing writes the site while it is served (the kernel holds its
 * disk), so what it reads is remembered ({@link ReadOnlyKvCache}). Once listening, and once its
 * {@link WebsiteHost} knows the address (at once, or when a DHCP lease is bound), it prints {@code
 * serving http://HOST:PORT/} on standard output; it then serves until the kernel stops.
 */
public final class StaticWebsite implements Application {

  /** Files up to this size are kept in memory once read; larger ones are streamed from the disk. */
  static final int CACHED_VALUE_BYTES = 256 * 1024;

  /** The most bytes of files kept in memory. */
  static final long CACHED_BYTES = 64L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(StaticWebsite.class);

  private final Tcp tcp;
  private final Kv site;
  private final EventLoop loop;
  private final HttpSettings settings;
  private final WebsiteHost host;
  private final Optional<Management> management;
  private volatile HttpServer server;

  /**
   * @param host the address clients reach the server at, for the printed URL
   * @param management the kernel's management, started with the site, when its component has one
   */
  @Inject
  public StaticWebsite(Tcp tcp, Kv site, EventLoop loop, HttpSettings settings, WebsiteHost host,
      Optional<Management> management) {
    this.management = management;
    this.tcp = tcp;
    this.site = site;
    this.loop = loop;
    this.settings = settings;
    this.host = host;
  }

  @Override
  public CompletionStage<?> start() {
    CompletableFuture<Void> forever = new CompletableFuture<>();
    management.ifPresent(Management::start);
    loop.offload(() -> HttpServer.start(tcp, loop, settings, new KvFileHandler(new ReadOnlyKvCache(site, CACHED_VALUE_BYTES, CACHED_BYTES), "")))
        .whenComplete((s, failure) -> {
          if (failure != null) {
            forever.completeExceptionally(failure);
            return;
          }
          server = s;
          host.whenKnown().thenAccept(h -> {
            String url = url(h);
            LOG.info("static website: serving {}", url);
            System.out.println("serving " + url);
            System.out.flush();
          });
        });
    return forever;
  }

  /** Where the site is served when the server's address is {@code host}. */
  String url(String host) {
    return "http://" + host + (settings.port() == 80 ? "" : ":" + settings.port()) + "/";
  }

  /** The server, once listening (null before). */
  public HttpServer server() {
    return server;
  }
}
