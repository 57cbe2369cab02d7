/**
 * TCP (RFC 9293) as a loop-confined {@link io.morgana.net.tcpip.ip.Transport}: {@link
 * io.morgana.net.tcpip.tcp.TcpLayer} (demultiplexing, listeners, closed ports, timers), {@link
 * io.morgana.net.tcpip.tcp.TcpConnection} (one connection's state machine: RFC 9293 §3.10,
 * RFC 5961, RFC 6298, RFC 7323, RFC 5681/6582, RFC 1122 §4.2.3), the sender's SACK scoreboard
 * for RFC 6675 loss recovery ({@code SackScoreboard}), congestion control as a small interface
 * ({@code CongestionControl}: {@code Cubic}, RFC 9438, by default; {@code Reno}, RFC 5681;
 * chosen by {@link io.morgana.net.tcpip.tcp.CongestionAlgorithm}), {@link
 * io.morgana.net.tcpip.tcp.Seq} (modulo-2³² arithmetic), and the blocking {@link
 * io.morgana.api.Tcp}/{@link io.morgana.api.Flow} served through {@link
 * io.morgana.runtime.LoopBridge} ({@link io.morgana.net.tcpip.tcp.TcpService}).
 */
package io.morgana.net.tcpip.tcp;
