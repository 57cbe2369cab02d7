package io.morgana.examples.dhcpserver;

import io.morgana.net.dhcp.DhcpLeases;
import io.morgana.runtime.Application;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A test application that only holds the DHCP client's leases for the test to read. */
public final class LeaseWatcher implements Application {

  final DhcpLeases leases;

  @Inject
  public LeaseWatcher(DhcpLeases leases) {
    this.leases = leases;
  }

  @Override
  public CompletionStage<?> start() {
    return new CompletableFuture<Void>();
  }
}
