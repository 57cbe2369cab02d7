package io.morgana.xen.platform;

import java.lang.foreign.MemorySegment;

/**
 * The domain's primary PV console as the toolstack sets it up (Xen {@code xen.h}
 * {@code start_info.console.domU}, or HVM params {@code HVM_PARAM_CONSOLE_PFN}/{@code
 * _EVTCHN}): a page holding a {@code struct xencons_interface} ({@code io/console.h}), already
 * granted to the console backend (grant entry {@code GNTTAB_RESERVED_CONSOLE} = 0), and an event
 * channel port already bound to the backend. No xenbus handshake is involved.
 *
 * @param page the console page, at least 3088 bytes
 * @param port this domain's event channel port for the console
 * @param backendDomid the domain running the console backend (xenconsoled: 0)
 */
public record PrimaryConsole(MemorySegment page, int port, int backendDomid) {}
