/**
 * The kernel runtime.
 *
 * <ul>
 *   <li>The event loop that owns a stack: {@link io.morgana.runtime.EventLoop}, {@link
 *       io.morgana.runtime.Pollable}; {@link io.morgana.runtime.KernelLoop} (a real thread that
 *       sleeps in {@code poll(2)}) and {@link io.morgana.runtime.DeterministicLoop} (tests, virtual
 *       time); clocks ({@link io.morgana.runtime.Clock}, {@link io.morgana.runtime.AdjustableClock}).
 *   <li>Booting a process: {@link io.morgana.runtime.Kernel}, {@link
 *       io.morgana.runtime.KernelFactory}, {@link io.morgana.runtime.Application}, boot arguments
 *       ({@link io.morgana.runtime.BootKey}, {@link io.morgana.runtime.BootArguments}, {@link
 *       io.morgana.runtime.BootArgumentException}), shutdown ({@link
 *       io.morgana.runtime.Lifecycle}) and logging setup ({@link io.morgana.runtime.Logging}).
 * </ul>
 */
package io.morgana.runtime;
