/**
 * {@link io.morgana.api.Udp} and {@link io.morgana.api.Tcp} over the host kernel's sockets: MirageOS's socket stack, for development without root.
 */
package io.morgana.net.socket;
