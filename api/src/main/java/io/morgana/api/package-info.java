/**
 * The small interfaces a Morgana application is written against, and the immutable values they
 * exchange.
 *
 * <p>An application names only these types in its constructor ({@code WebServer(Tcp tcp, Kv
 * content, Console console)}); which implementation stands behind each one — a TAP device or Xen
 * netfront behind {@link io.morgana.api.Netif}, a file or Xen blkfront behind {@link
 * io.morgana.api.Block} — is decided by the Dagger component of the target it is built for.
 *
 * <h2>Buffer ownership</h2>
 *
 * Netty {@link io.netty.buffer.ByteBuf}s cross these interfaces under two rules, repeated in each
 * method's Javadoc:
 *
 * <ul>
 *   <li><b>Writes hand ownership over.</b> A buffer passed to a network {@code write} belongs to
 *       the callee from the moment of the call, whether the call succeeds, drops the data or
 *       throws; the caller must not touch or release it afterwards.
 *   <li><b>Handlers borrow.</b> A buffer passed to a handler is valid only for the duration of
 *       the call; a handler that keeps it (or a slice of it) must {@code retain()} it and later
 *       release it.
 * </ul>
 *
 * Block devices are the exception, stated there: sector buffers stay with the caller, because
 * file systems reuse them.
 *
 * <h2>Threads</h2>
 *
 * A Morgana kernel has one loop thread per stack that owns all protocol state. Handlers are
 * called on that thread and must not block. Methods documented as "any thread" may be called from
 * application threads (virtual threads are the normal case); they hand their work to the loop.
 * Blocking APIs ({@link io.morgana.api.Flow}, {@link io.morgana.api.Block}, {@link
 * io.morgana.api.Kv}, {@link io.morgana.api.Console#read()}) must never be called on the loop
 * thread.
 */
package io.morgana.api;
