/**
 * HTTP/1.1 message syntax (RFC 9112) and the header values the server interprets (RFC 9110),
 * apart from the server that uses them: the request head with limits on the request line and
 * the header section ({@link io.morgana.http.wire.RequestHeadParser}), the request target
 * percent-decoded and normalised with traversal refused ({@link
 * io.morgana.http.wire.RequestTarget}), chunked request bodies ({@link
 * io.morgana.http.wire.ChunkedBodyDecoder}), {@code Range} ({@link
 * io.morgana.http.wire.ByteRangeSpec}), HTTP dates ({@link io.morgana.http.wire.HttpDates}) and
 * the response head ({@link io.morgana.http.wire.ResponseHead}).
 *
 * <p>Parsing untrusted bytes throws {@link io.morgana.http.wire.MalformedRequestException} and
 * nothing else, for any input; the exception carries the status code to answer with. No logging,
 * clocks, threads or dependency injection here.
 */
package io.morgana.http.wire;
