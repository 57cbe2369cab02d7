package io.morgana.net.dhcp.server;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;

/**
 * A binding the server has acknowledged: what the lease database keeps.
 *
 * @param mac the client's hardware address
 * @param address the leased address
 * @param expiresAtNanos the end of the lease, on the server's loop clock
 */
public record ServerLease(MacAddress mac, Ipv4Address address, long expiresAtNanos) {}
