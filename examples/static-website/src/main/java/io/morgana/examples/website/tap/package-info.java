/** The TAP target: the static website on Morgana's TCP/IP stack over a TAP device ({@code static-website-tap.jar}). */
package io.morgana.examples.website.tap;
