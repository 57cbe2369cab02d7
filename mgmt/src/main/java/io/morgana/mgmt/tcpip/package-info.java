/**
 * Management of the pure-Java stack ({@code net-tcpip}): its interface's and every layer's
 * counters, TCP connections by state, and the {@code conns}, {@code arp} and {@code routes}
 * commands. Add {@link io.morgana.mgmt.tcpip.TcpipManagementModule} next to {@code
 * TcpipStackModule}.
 */
package io.morgana.mgmt.tcpip;
