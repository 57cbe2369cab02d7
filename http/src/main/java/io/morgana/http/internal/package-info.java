/**
 * The server's internals, not an API: one connection's request/response loop ({@link
 * io.morgana.http.internal.HttpConnection}) and the deadline it runs under ({@link
 * io.morgana.http.internal.Watchdog}).
 */
package io.morgana.http.internal;
