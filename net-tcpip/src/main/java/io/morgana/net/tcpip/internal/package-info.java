/**
 * Internals of the stack shared by its protocol packages: counters and the caches of address
 * objects that keep the receive path free of allocation. Not an API; may change at any time.
 */
package io.morgana.net.tcpip.internal;
