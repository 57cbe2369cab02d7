package io.morgana.net.tcpip.arp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import java.util.Optional;

/**
 * A read-only snapshot of one ARP cache entry (RFC 826), for diagnostics and management ({@code
 * arp}): taken on the loop thread by {@link ArpLayer#entries(long)}.
 *
 * @param address the IPv4 address
 * @param mac its hardware address; empty while resolving (a request sent, no reply yet)
 * @param expiresInNanos how long a resolved entry stays usable, or 0 while resolving or expired
 * @param queuedPackets datagrams waiting for this address to resolve
 */
public record ArpEntry(Ipv4Address address, Optional<MacAddress> mac, long expiresInNanos, int queuedPackets) {}
