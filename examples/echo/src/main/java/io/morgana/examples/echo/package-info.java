/**
 * The echo example: an {@link io.morgana.examples.echo.EchoServer} that answers pings (the stack
 * does) and echoes UDP datagrams on port 7 (RFC 862), written against api interfaces only, and
 * its TAP target — {@link io.morgana.examples.echo.TapKernel} wires a TAP device, the TCP/IP stack
 * and static IPv4 configuration; {@link io.morgana.examples.echo.EchoTap} boots it from {@code
 * java -jar echo-tap.jar --net=tap:NAME --ipv4=192.0.2.2/24}. {@link
 * io.morgana.examples.echo.PacketKernel} and {@link io.morgana.examples.echo.EchoPacket} are the
 * same application on an interface owned through an {@code AF_PACKET} socket ({@code java -jar
 * echo-packet.jar --net=packet:IFACE --ipv4=192.0.2.2/24}).
 */
package io.morgana.examples.echo;
