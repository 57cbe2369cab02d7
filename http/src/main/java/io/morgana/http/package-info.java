/**
 * An HTTP/1.1 server (RFC 9110, RFC 9112) on {@link io.morgana.api.Tcp}/{@link
 * io.morgana.api.Flow}: {@link io.morgana.http.HttpServer} accepts connections and serves each on
 * a virtual thread of its own, with keep-alive, pipelining, limits and timeouts from {@link
 * io.morgana.http.HttpSettings}; {@link io.morgana.http.HttpHandler}s are plain Java — a {@link
 * io.morgana.http.Router} dispatching on method and path, a {@link
 * io.morgana.http.KvFileHandler} serving files from a {@link io.morgana.api.Kv} with
 * validators and ranges. Message syntax lives apart in {@link io.morgana.http.wire}.
 */
package io.morgana.http;
