/**
 * Xen paravirtual plumbing: shared rings, grant tables, event channels, the XenStore client and the xenbus handshake, over a real Linux guest or a simulated hypervisor.
 */
package io.morgana.xen;
