package io.morgana.xen.sim;

/**
 * The simulated machine behind {@link SimulatedXenPlatformModule}: the hypervisor, dom0 (where
 * XenStore and the {@link SimBackend}s run) and the guest domain whose platform the kernel uses.
 *
 * @param hypervisor the simulated hypervisor
 * @param dom0 domain 0
 * @param guest the kernel's own domain, domid {@link SimulatedXenPlatformModule#GUEST_DOMID}
 */
public record SimulatedXen(SimHypervisor hypervisor, SimDomain dom0, SimDomain guest) {}
