/**
 * The seam between the network layer and the transports: {@link io.morgana.net.tcpip.ip.IpLayer}
 * (what ICMP, UDP and TCP may ask of IP) and {@link io.morgana.net.tcpip.ip.Transport} (what IP
 * delivers to them). Transports are written against these two interfaces only, so that another
 * network layer can sit beside IPv4 without touching them.
 */
package io.morgana.net.tcpip.ip;
