package io.morgana.net.tcpip.tcp;

import io.morgana.api.Endpoint;

/**
 * A read-only snapshot of one connection, for diagnostics and management ({@code conns}): taken
 * on the loop thread by {@link TcpLayer#connections()}, immutable afterwards, so it may be
 * printed anywhere.
 *
 * @param local our endpoint
 * @param remote the peer's endpoint
 * @param state the RFC 9293 §3.3.2 state
 * @param sendQueued bytes the application wrote that the peer has not acknowledged yet (sent or
 *     not), the counterpart of Linux's {@code Send-Q}
 * @param receiveQueued bytes received in order and not yet read by the application ({@code
 *     Recv-Q})
 * @param smoothedRttNanos SRTT (RFC 6298 §2), or -1 before the first measurement
 * @param rttVarianceNanos RTTVAR (RFC 6298 §2), 0 before the first measurement
 * @param rtoNanos the current retransmission timeout (RFC 6298 §2)
 * @param congestionWindow cwnd in bytes (RFC 5681 §3.1)
 * @param sendMss the largest segment payload we send
 */
public record TcpConnectionInfo(
    Endpoint local,
    Endpoint remote,
    TcpState state,
    long sendQueued,
    long receiveQueued,
    long smoothedRttNanos,
    long rttVarianceNanos,
    long rtoNanos,
    long congestionWindow,
    int sendMss) {}
