/**
 * {@link io.morgana.api.Netif} over the Xen netif protocol ({@code xen/io/netif.h}), and a Java netback for tests.
 */
package io.morgana.xen.netfront;
