package io.morgana.sim.demo;

import io.morgana.net.dhcp.StackDhcpServer;
import io.morgana.runtime.Application;
import io.morgana.sim.SimHost;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The demo's DHCP server kernel: serves until the simulation ends. */
@Singleton
public final class DhcpServerApp implements Application {

  private final StackDhcpServer server;
  private final SimHost host;

  @Inject
  DhcpServerApp(StackDhcpServer server, SimHost host) {
    this.server = server;
    this.host = host;
  }

  @Override
  public CompletionStage<?> start() {
    return server.start().thenCompose(ok -> {
      host.log("dhcp-server: serving, " + server.server().leases().size() + " lease(s) restored");
      return new CompletableFuture<>();
    });
  }

  /** The server (its state machine on the loop). */
  public StackDhcpServer server() {
    return server;
  }
}
