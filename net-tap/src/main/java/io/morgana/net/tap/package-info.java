/**
 * {@link io.morgana.api.Netif} over a Linux TAP device, opened through Java FFM (no JNI).
 */
package io.morgana.net.tap;
