/**
 * The {@link io.morgana.xen.platform.XenPlatform} bundle: what a Xen driver needs from the domain
 * it runs in — its domid, shared pages, the grant table, event channels and XenStore — and the
 * two platforms that provide it (the simulated hypervisor in {@code io.morgana.xen.sim}, the
 * Linux guest platform in {@code io.morgana.xen.linux}).
 */
package io.morgana.xen.platform;
