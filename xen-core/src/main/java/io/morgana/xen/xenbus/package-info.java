/**
 * The xenbus device handshake (Xen {@code io/xenbus.h}, {@code docs/misc/xenstore-paths.pandoc}):
 * {@link io.morgana.xen.xenbus.XenbusState}, the frontend and backend state machines ({@link
 * io.morgana.xen.xenbus.XenbusFrontend}, {@link io.morgana.xen.xenbus.XenbusBackend}) driven by
 * XenStore watches on each other's {@code state} node, the callbacks a driver implements ({@link
 * io.morgana.xen.xenbus.FrontendDriver}, {@link io.morgana.xen.xenbus.BackendDriver}), and the
 * toolstack's part ({@link io.morgana.xen.xenbus.XenbusToolstack}) for simulated setups.
 */
package io.morgana.xen.xenbus;
