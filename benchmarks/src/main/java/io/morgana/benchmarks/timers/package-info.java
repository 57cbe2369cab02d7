/**
 * Timer lateness of the kernel loop ({@code benchmarks/run timers}): how long after its deadline
 * a timer of {@link io.morgana.runtime.KernelLoop#schedule} runs, against a platform thread
 * sleeping in {@link java.util.concurrent.locks.LockSupport#parkNanos} until the same kind of
 * deadline.
 */
package io.morgana.benchmarks.timers;
