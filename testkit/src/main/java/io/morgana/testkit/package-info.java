/**
 * Test devices and helpers for Morgana's tests and for applications' tests: {@link
 * io.morgana.testkit.TestKernel} (boots an application's component on a deterministic loop and
 * keeps its start outcome), {@link io.morgana.testkit.SwitchNetifModule} (a switch port as the
 * component's {@code Netif}), fake clock, in-memory Ethernet switch, fault injection, pcap
 * recording, network-namespace helpers and abstract contract tests. A FAT-formatted RAM disk for
 * test components is {@code io.morgana.fs.fat.FatRamDiskModule} in {@code fs-fat} (which the
 * testkit cannot depend on: fs-fat's own tests use the testkit).
 */
package io.morgana.testkit;
