/**
 * MirageOS's first unikernel in Morgana: {@link io.morgana.examples.hello.Hello} prints {@code
 * hello} and {@code world} alternately, one second apart. {@link
 * io.morgana.examples.hello.HelloUnix} boots it as a Unix process over standard output ({@code
 * target/hello-unix.jar}).
 */
package io.morgana.examples.hello;
