/** The socket target: the static website on the host's TCP ({@code static-website-socket.jar}). */
package io.morgana.examples.website.socket;
