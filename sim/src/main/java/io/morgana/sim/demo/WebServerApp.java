package io.morgana.sim.demo;

import io.morgana.api.Flow;
import io.morgana.api.Kv;
import io.morgana.api.Tcp;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import io.morgana.sim.SimHost;
import io.netty.buffer.ByteBuf;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The demo's web server: answers {@link MinimalHttp10} {@code GET}s on port 80 with the files of
 * its {@link Kv} (a FAT disk), 404 for a missing one. The accept loop and each connection run as
 * offloaded blocking work.
 */
@Singleton
public final class WebServerApp implements Application {

  /** The port served. */
  public static final int PORT = 80;

  private final Tcp tcp;
  private final Kv content;
  private final EventLoop loop;
  private final SimHost host;
  private long served;

  @Inject
  WebServerApp(Tcp tcp, Kv content, EventLoop loop, SimHost host) {
    this.tcp = tcp;
    this.content = content;
    this.loop = loop;
    this.host = host;
  }

  @Override
  public CompletionStage<?> start() {
    CompletableFuture<Void> forever = new CompletableFuture<>();
    loop.offload(() -> {
      Tcp.Listener listener = tcp.listen(PORT);
      host.log("web: listening on port " + PORT);
      while (true) {
        Flow flow = listener.accept();
        loop.offload(() -> {
          serve(flow);
          return null;
        });
      }
    }).whenComplete((ok, failure) -> forever.completeExceptionally(
        failure != null ? failure : new IllegalStateException("the accept loop ended")));
    return forever;
  }

  /** Requests answered with 200. Loop thread or offloaded work (one at a time). */
  public long served() {
    return served;
  }

  private void serve(Flow flow) {
    try {
      String path = MinimalHttp10.readGet(flow);
      if (path == null) {
        MinimalHttp10.respond(flow, 400, "Bad Request", new byte[0]);
        return;
      }
      Optional<ByteBuf> file = content.get(path);
      if (file.isEmpty()) {
        MinimalHttp10.respond(flow, 404, "Not Found", new byte[0]);
        host.log("web: 404 " + path + " to " + flow.remoteEndpoint());
        return;
      }
      byte[] body;
      ByteBuf b = file.get();
      try {
        body = new byte[b.readableBytes()];
        b.readBytes(body);
      } finally {
        b.release();
      }
      MinimalHttp10.respond(flow, 200, "OK", body);
      served++;
      host.log("web: 200 " + path + " (" + body.length + " bytes) to " + flow.remoteEndpoint());
    } catch (IOException e) {
      host.log("web: connection from " + flow.remoteEndpoint() + " failed: " + e.getMessage());
      flow.abort();
    }
  }
}
