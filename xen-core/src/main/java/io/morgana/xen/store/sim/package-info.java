/**
 * A XenStore server for the simulated hypervisor, after Xen's {@code xenstored} and {@code
 * docs/misc/xenstore.txt}: a tree of nodes with values and permissions, watches, transactions
 * with snapshot isolation (conflicts end in {@code EAGAIN}), quotas, and connections for each
 * domain over the {@code xenstore_domain_interface} ring or an in-JVM transport.
 */
package io.morgana.xen.store.sim;
