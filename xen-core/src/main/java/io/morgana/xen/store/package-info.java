/**
 * XenStore (Xen {@code io/xs_wire.h}, {@code docs/misc/xenstore.txt}): the {@link
 * io.morgana.xen.store.XenStore} interface used by drivers, its client {@link
 * io.morgana.xen.store.XenStoreClient} (request ids matched to replies, watches delivered on the
 * kernel loop, transactions retried on {@code EAGAIN}, timeouts) and its transports: the shared
 * {@code xenstore_domain_interface} page with an event channel ({@link
 * io.morgana.xen.store.XenStoreRingTransport}), an in-JVM connection to the simulated server
 * ({@code io.morgana.xen.store.sim}) and Linux {@code /dev/xen/xenbus} ({@code io.morgana.xen.linux}).
 */
package io.morgana.xen.store;
