/**
 * Event channels (Xen {@code event_channel.h}): one pending bit and one mask bit per port,
 * unbound ports that a named remote domain may bind to, interdomain ports, and delivery of
 * notifications to handlers on the kernel loop.
 */
package io.morgana.xen.evtchn;
