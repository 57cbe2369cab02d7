package io.morgana.sim.demo;

import io.morgana.api.Kv;
import io.morgana.api.Tcp;
import io.morgana.http.HttpServer;
import io.morgana.http.HttpSettings;
import io.morgana.http.KvFileHandler;
import io.morgana.http.Router;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import io.morgana.sim.SimHost;
import io.netty.buffer.PooledByteBufAllocator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The demo's web server: Morgana's {@link HttpServer} on port 80 with a {@link KvFileHandler}
 * over its {@link Kv} (a FAT disk), as the static website serves its files. The server's accept
 * loop and connections are the loop's offloaded work, so they run deterministically on the
 * simulation's one thread; its {@code Date} header reads the kernel's simulated wall clock.
 */
@Singleton
public final class WebServerApp implements Application {

  /** The port served. */
  public static final int PORT = 80;

  private final Tcp tcp;
  private final Kv content;
  private final EventLoop loop;
  private final SimHost host;
  private final Clock wallClock;

  @Inject
  WebServerApp(Tcp tcp, Kv content, EventLoop loop, SimHost host, Clock wallClock) {
    this.tcp = tcp;
    this.content = content;
    this.loop = loop;
    this.host = host;
    this.wallClock = wallClock;
  }

  @Override
  public CompletionStage<?> start() {
    CompletableFuture<Void> forever = new CompletableFuture<>();
    Router router = Router.builder().get("/*", new KvFileHandler(content, "")).build();
    loop.offload(() -> HttpServer.start(tcp, loop, HttpSettings.defaults(PORT).withAccessLog(false), router,
            PooledByteBufAllocator.DEFAULT, wallClock))
        .whenComplete((server, failure) -> {
          if (failure != null) {
            forever.completeExceptionally(failure);
          } else {
            host.log("web: serving on port " + PORT);
          }
        });
    return forever;
  }
}
