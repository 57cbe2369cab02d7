package io.morgana.examples.dhcpserver;

import io.morgana.net.dhcp.StackDhcpServer;
import io.morgana.runtime.Application;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Serves DHCP until the kernel stops. */
public final class DhcpServerApp implements Application {

  private final StackDhcpServer server;

  @Inject
  public DhcpServerApp(StackDhcpServer server) {
    this.server = server;
  }

  /** The server (its state machine is loop-thread state). */
  public StackDhcpServer server() {
    return server;
  }

  @Override
  public CompletionStage<?> start() {
    server.start();
    return new CompletableFuture<Void>();
  }
}
