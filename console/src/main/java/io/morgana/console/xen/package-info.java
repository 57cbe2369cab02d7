/**
 * The Xen PV console ({@code /usr/include/xen/io/console.h}, {@code struct xencons_interface}):
 * {@link io.morgana.console.xen.XenConsole}, a {@link io.morgana.api.Console} over the console
 * page's {@code in}/{@code out} byte rings and an event channel, bound by {@link
 * io.morgana.console.xen.XenConsoleModule}; and {@link io.morgana.console.xen.XenConsoleBackend},
 * the other end of the rings for the simulated hypervisor (what {@code xenconsoled} does in dom0).
 */
package io.morgana.console.xen;
