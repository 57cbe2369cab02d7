/**
 * MirageOS's first unikernel in Morgana: prints {@code hello} and {@code world} alternately, one second apart.
 */
package io.morgana.examples.hello;
