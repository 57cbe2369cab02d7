/**
 * A simulated Xen hypervisor in one JVM: domains, machine frames, one grant table of real
 * {@code grant_entry_v1} entries per domain with Xen's rules, event channels, the primary console
 * page, and a pluggable XenStore. Each {@link io.morgana.xen.sim.SimDomain} is a {@link
 * io.morgana.xen.platform.XenPlatform}; Java backends live in a second domain beside the
 * frontends they serve. Frames may live in a memory-mapped file shared with another process (the
 * C conformance backend), which then acts as an external domain.
 */
package io.morgana.xen.sim;
