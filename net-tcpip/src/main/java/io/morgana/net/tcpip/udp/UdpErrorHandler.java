package io.morgana.net.tcpip.udp;

import io.morgana.api.Ipv4Address;

/**
 * Receives the ICMP errors that concern UDP datagrams an application sent (RFC 1122 §4.1.3.3:
 * "UDP MUST pass to the application layer all ICMP error messages that it receives from the IP
 * layer"). Register one per local port with {@link UdpLayer#listenErrors}, or one for every port
 * with {@link UdpLayer#listenErrors(UdpErrorHandler)}. Errors are also counted in {@link
 * UdpCounter#RX_ICMP_ERRORS}.
 */
@FunctionalInterface
public interface UdpErrorHandler {

  /**
   * Called on the loop thread.
   *
   * @param remote the destination of the datagram that caused the error
   * @param remotePort its destination port
   * @param localPort its source port (ours)
   * @param icmpType for example 3 (destination unreachable)
   * @param icmpCode for example 3 (port unreachable: "connection refused")
   */
  void onError(Ipv4Address remote, int remotePort, int localPort, int icmpType, int icmpCode);
}
