/**
 * Issue 8's long fuzz run ({@code benchmarks/run fuzz}): real traffic between two of Morgana's
 * stacks recorded, then mutated and pushed by the million into one stack with an echo service,
 * reporting its health and memory before and after.
 */
package io.morgana.benchmarks.fuzz;
