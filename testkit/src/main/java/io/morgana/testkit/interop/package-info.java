/**
 * Helpers for interop tests that run Morgana against software nobody here wrote: {@link
 * io.morgana.testkit.interop.HostTools} skips a test (or, with {@code -Dmorgana.interop=required},
 * fails it) when a host command or root is missing, and {@link
 * io.morgana.testkit.interop.NetworkNamespaceExtension} gives a test a fresh Linux network
 * namespace ({@link io.morgana.testkit.interop.NetworkNamespace}) that is deleted afterwards.
 *
 * <p>Network traffic stays inside such namespaces, with addresses from 192.0.2.0/24 (TEST-NET-1,
 * RFC 5737); nothing here touches the machine's root namespace.
 */
package io.morgana.testkit.interop;
