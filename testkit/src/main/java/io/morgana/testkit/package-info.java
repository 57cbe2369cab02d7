/**
 * Test devices and helpers for Morgana's tests and for applications' tests: fake clock, in-memory Ethernet switch, fault injection, pcap recording, network-namespace helpers and abstract contract tests.
 */
package io.morgana.testkit;
