package io.morgana.examples.website;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The host in the URL {@link StaticWebsite} prints, as its target learns it: at boot for a listen
 * or static address ({@link #of}), or once a DHCP lease is bound (the appliance's {@code
 * appliance.target.ApplianceTargetModule}).
 */
@FunctionalInterface
public interface WebsiteHost {

  /** Completes with the host (an address, as text) when it is known. Any thread. */
  CompletionStage<String> whenKnown();

  /** A host known at boot. */
  static WebsiteHost of(String host) {
    return () -> CompletableFuture.completedFuture(host);
  }
}
