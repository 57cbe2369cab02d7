/**
 * The Xen target: the static website as a Xen guest, its network a netfront and its disk a
 * blkfront ({@code static-website-xen.jar}). These machines have no Xen, so the platform is the
 * simulated hypervisor, whose dom0 runs a Java netback bridged to a TAP device and a Java blkback
 * serving the disk image.
 */
package io.morgana.examples.website.xen;
