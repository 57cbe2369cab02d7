/**
 * The kernel runtime: the event loop that owns a stack ({@link io.morgana.runtime.EventLoop}, real and deterministic), clocks, boot arguments, lifecycle and logging setup.
 */
package io.morgana.runtime;
