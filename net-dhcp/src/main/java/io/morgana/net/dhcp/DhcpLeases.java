package io.morgana.net.dhcp;

import io.morgana.net.dhcp.client.DhcpClient;
import io.morgana.net.dhcp.client.DhcpLease;
import java.util.Optional;

/** What an application may know of the DHCP client: the lease, and its changes. */
public interface DhcpLeases {

  /** The lease in use, if any. Any thread. */
  Optional<DhcpLease> lease();

  /** Calls {@code listener} on the loop thread at every later change. Any thread. */
  void addListener(DhcpClient.Listener listener);
}
