/**
 * The guestbook example: a UDP service whose handler, called on the kernel loop, stores each
 * datagram in a FAT-backed {@link io.morgana.api.Kv} — blocking work — by handing it to {@link
 * io.morgana.runtime.EventLoop#offload} and answering on the loop when the store is done. The
 * standard way for a loop callback to do blocking work, deterministic under {@link
 * io.morgana.runtime.DeterministicLoop}.
 */
package io.morgana.examples.guestbook;
