package io.morgana.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Address resolution from IPv4 to Ethernet addresses (RFC 826, RFC 1122 §2.3.2), the
 * counterpart of MirageOS's {@code Arp.S}.
 *
 * <p><b>Threads:</b> loop thread only; completions run on the loop thread.
 */
public interface Arp {

  /** The addresses this interface answers ARP requests for. */
  List<Ipv4Address> addresses();

  /**
   * Replaces the addresses this interface answers for, announcing each new one with a gratuitous
   * ARP (RFC 5227 §2.3).
   */
  void setAddresses(List<Ipv4Address> addresses);

  /** The cached hardware address of {@code address}, if there is a live entry; sends nothing. */
  Optional<MacAddress> lookup(Ipv4Address address);

  /**
   * Resolves {@code address}: completes at once from the cache, otherwise sends requests (at most
   * one per second per address) and completes when a reply arrives, or exceptionally with a
   * {@link java.util.concurrent.TimeoutException} when none does.
   */
  CompletionStage<MacAddress> query(Ipv4Address address);
}
