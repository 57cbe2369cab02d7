package io.morgana.net.tcpip.internal;

/**
 * One counter of one protocol layer: implemented by each layer's own enum ({@code
 * Ipv4Counter.RX_DROP_BAD_SOURCE}), so that a protocol added to the stack brings its counters
 * along and edits no shared list.
 */
public interface ProtocolCounter {

  /** The layer that owns it, in lower case: {@code "ipv4"}. */
  String protocol();

  /** The counter's constant name: {@code "RX_DROP_BAD_SOURCE"}. */
  String name();

  /** What it counts, one phrase. */
  String description();

  /** Position among its layer's counters. */
  int ordinal();
}
