/**
 * {@link io.morgana.api.Console} implementations: standard input and output, and the Xen PV console ring.
 */
package io.morgana.console;
