package io.morgana.xen.sim;

import io.morgana.xen.store.XenStore;

/**
 * How a {@link SimHypervisor} gives each domain its XenStore connection: the XenStore server
 * (package {@code io.morgana.xen.store}) plugs in here, either handing out direct in-JVM
 * connections or setting up a {@code xenstore_domain_interface} ring page and event channel
 * through the domain's own grants and events.
 */
@FunctionalInterface
public interface XenStoreConnector {

  /** The XenStore connection of {@code domain}; called once per domain, on first use. */
  XenStore connect(SimDomain domain);
}
