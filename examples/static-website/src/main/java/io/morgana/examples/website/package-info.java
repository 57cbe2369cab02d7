/**
 * The static website: one application ({@link io.morgana.examples.website.StaticWebsite})
 * serving the files of a {@link io.morgana.api.Kv} — a FAT disk image through {@code fs-fat} —
 * over HTTP/1.1 ({@code morgana-http}), and one Dagger component per target in its own package:
 * {@code socket} (host sockets, no root: {@code static-website-socket.jar}), {@code tap} (the
 * pure-Java TCP/IP stack on a TAP device: {@code static-website-tap.jar}) and {@code xen}
 * (netfront and blkfront on the simulated hypervisor: {@code static-website-xen.jar}). Each jar carries only
 * its own target's package and libraries.
 */
package io.morgana.examples.website;
