/**
 * Network benchmarks (issue 3): a UDP echo load generator and a kernel-socket UDP echo server for
 * the whole-process comparison of Morgana over TAP against Linux over a veth pair ({@code
 * benchmarks/net/run.sh}), and a JMH benchmark of the stack's receive path (frame in, UDP handler
 * called) run with {@code -prof gc} to show allocation per packet.
 */
package io.morgana.benchmarks.net;
