/**
 * Deterministic simulation of whole systems (FoundationDB's simulator, TigerBeetle's VOPR): many
 * kernels — each a real application's Dagger component with simulated devices in place of TAP,
 * socket and disk — in one JVM, on one thread, in virtual time, over a {@link
 * io.morgana.sim.Network} and {@link io.morgana.sim.SimDisk}s with injected faults, under a
 * {@link io.morgana.sim.FaultSchedule}; one seed decides every choice, so a failing run replays
 * byte for byte. {@link io.morgana.sim.Simulation} is the entry point, {@link
 * io.morgana.sim.Explorer} runs a {@link io.morgana.sim.Scenario} over many seeds and shrinks the
 * fault schedule of a failing one.
 */
package io.morgana.sim;
