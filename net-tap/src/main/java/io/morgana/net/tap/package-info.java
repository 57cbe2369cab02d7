/**
 * {@link io.morgana.api.Netif} over a Linux TAP device, opened through Java FFM (no JNI): {@link
 * io.morgana.net.tap.TapNetif} (the driver, a {@link io.morgana.runtime.Pollable} woken by the
 * TAP descriptor), {@link io.morgana.net.tap.TapConfig} (what to open), {@link
 * io.morgana.net.tap.TapNetifModule} (the Dagger binding and the boot keys {@code --net=tap:NAME},
 * {@code --mac=} and {@code --tap-offload}), {@link io.morgana.net.tap.VirtioNetHeader} (the
 * {@code virtio_net_hdr} before each frame when offloads are on) and {@link
 * io.morgana.net.tap.TapUnavailableException} (the one message a user sees when the device cannot
 * be opened). The C calls and {@code struct ifreq} are the runtime's ({@link
 * io.morgana.runtime.nativeio}).
 */
package io.morgana.net.tap;
