/**
 * {@link io.morgana.api.Netif} over a Linux {@code AF_PACKET} socket with {@code PACKET_MMAP}
 * rings, through Java FFM (no JNI): Morgana's stack owns a network interface directly — a veth
 * end, a physical NIC, or a VM's virtio NIC in the appliance. {@link
 * io.morgana.net.packet.PacketNetif} (the driver: a TPACKET_V3 receive ring and a mapped transmit
 * ring, a {@link io.morgana.runtime.Pollable} woken by the socket), {@link
 * io.morgana.net.packet.PacketConfig} (what to open), {@link
 * io.morgana.net.packet.PacketNetifModule} (the Dagger binding and the boot keys {@code
 * --net=packet:IFACE} and {@code --mac=}) and {@link
 * io.morgana.net.packet.PacketUnavailableException} (the one message a user sees when the
 * interface cannot be taken over). The ring layouts and walkers live in {@code internal}.
 */
package io.morgana.net.packet;
