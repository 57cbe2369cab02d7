package io.morgana.http.internal;

import io.morgana.api.Flow;
import io.morgana.http.Content;
import io.morgana.http.HttpHandler;
import io.morgana.http.HttpRequest;
import io.morgana.http.HttpResponse;
import io.morgana.http.HttpSettings;
import io.morgana.http.wire.ChunkedBodyDecoder;
import io.morgana.http.wire.HttpDates;
import io.morgana.http.wire.HttpHeaders;
import io.morgana.http.wire.HttpVersion;
import io.morgana.http.wire.MalformedRequestException;
import io.morgana.http.wire.RequestHead;
import io.morgana.http.wire.RequestHeadParser;
import io.morgana.http.wire.RequestTarget;
import io.morgana.http.wire.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests and responses, in order, on the calling (virtual) thread: read a
 * request head (RFC 9112 §2.2), its body by {@code Content-Length} or chunked (§6.3), call the
 * handler, write the response, and go on while the connection persists (§9.3) — requests the
 * client pipelined (§9.3.2) are already in the input buffer and answered in turn.
 *
 * <p>A request that cannot be framed gets its 4xx/5xx status ({@link MalformedRequestException})
 * and the connection is closed (§9.6: the framing is lost). The {@link Watchdog} bounds every wait
 * on the peer: idle between requests, the whole head from its first byte, each read of a body and
 * each write of a response. Every buffer is released on every path.
 */
public final class HttpConnection {

  private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("io.morgana.http.access");

  private final Flow flow;
  private final HttpSettings settings;
  private final HttpHandler handler;
  private final Watchdog watchdog;
  private final ByteBufAllocator alloc;
  private final Clock wallClock;
  private final RequestHeadParser parser;
  private ByteBuf in;
  private boolean endOfStream;
  private long requests;
  private long dateSecond = Long.MIN_VALUE;
  private String dateText;

  /**
   * @param wallClock for the {@code Date} field (RFC 9110 §6.6.1) only
   */
  public HttpConnection(Flow flow, HttpSettings settings, HttpHandler handler, Watchdog watchdog,
      ByteBufAllocator alloc, Clock wallClock) {
    this.flow = flow;
    this.settings = settings;
    this.handler = handler;
    this.watchdog = watchdog;
    this.alloc = alloc;
    this.wallClock = wallClock;
    this.parser = new RequestHeadParser(settings.maxRequestLineBytes(), settings.maxHeaderBytes());
  }

  /** The {@code Date} value, formatted once per second of the wall clock. */
  private String date() {
    Instant now = Instant.now(wallClock);
    long second = now.getEpochSecond();
    if (second != dateSecond) {
      dateSecond = second;
      dateText = HttpDates.format(now);
    }
    return dateText;
  }

  /** Requests answered so far. */
  public long requests() {
    return requests;
  }

  /**
   * Serves until the client closes, asks to close, sends something unframeable, or a deadline
   * passes; then closes the flow (aborts it after a failure).
   */
  public void serve() {
    in = alloc.heapBuffer(4096);
    boolean clean = false;
    try {
      clean = serveRequests();
    } catch (IOException e) {
      LOG.debug("{}: {}", flow, watchdog.expired() ? "timed out" : e.toString());
    } catch (RuntimeException e) {
      LOG.warn("{}: {}", flow, e.toString(), e);
    } finally {
      in.release();
      in = null;
      watchdog.disarm();
      if (clean) {
        try {
          flow.close();
        } catch (IOException e) {
          flow.abort();
        }
      } else {
        flow.abort();
      }
    }
  }

  /** The loop over requests; true when it ended cleanly (close, not abort). */
  private boolean serveRequests() throws IOException {
    while (true) {
      RequestHead head;
      try {
        head = readHead();
        if (head == null) {
          return true;
        }
      } catch (MalformedRequestException e) {
        refuse(e, null);
        return true;
      }
      RequestTarget target;
      byte[] body;
      try {
        target = RequestTarget.parse(head.target());
        body = readBody(head);
      } catch (MalformedRequestException e) {
        refuse(e, head);
        return true;
      }
      watchdog.disarm();
      HttpRequest request = new HttpRequest(head.method(), target, head.version(), head.headers(), body,
          flow.remoteEndpoint());
      HttpResponse response;
      boolean failed = false;
      try {
        response = handler.handle(request);
        if (response == null) {
          throw new IllegalStateException("handler returned null");
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: handler failed on {} {}: {}", flow, head.method(), head.target(), e.toString(), e);
        response = HttpResponse.text(500, "internal server error\n");
        failed = true;
      }
      boolean keepAlive = head.keepAlive() && !failed;
      send(response, request.isHead(), keepAlive, head);
      requests++;
      if (!keepAlive) {
        return true;
      }
    }
  }

  /** The next request head, or null at a clean end of stream between requests. */
  private RequestHead readHead() throws IOException, MalformedRequestException {
    boolean started = false;
    while (true) {
      if (in.isReadable()) {
        if (!started) {
          watchdog.arm(settings.headerTimeout().toNanos());
          started = true;
        }
        RequestHead head = parser.parse(in);
        if (head != null) {
          return head;
        }
        if (!in.isReadable()) {
          started = false; // only empty lines so far
        }
      }
      if (endOfStream) {
        if (in.isReadable()) {
          throw new MalformedRequestException(400, "connection closed in the middle of a request head");
        }
        return null;
      }
      if (!started) {
        watchdog.arm(settings.idleTimeout().toNanos());
      }
      readMore();
    }
  }

  private void readMore() throws IOException {
    ByteBuf b = flow.read();
    if (b == null) {
      endOfStream = true;
      return;
    }
    try {
      if (in.readerIndex() > 0 && in.writableBytes() < b.readableBytes()) {
        in.discardReadBytes();
      }
      in.writeBytes(b);
    } finally {
      b.release();
    }
  }

  private byte[] readBody(RequestHead head) throws IOException, MalformedRequestException {
    HttpHeaders h = head.headers();
    List<String> te = h.all("Transfer-Encoding");
    List<String> cl = h.all("Content-Length");
    if (!te.isEmpty()) {
      if (!cl.isEmpty()) {
        throw new MalformedRequestException(400, "both Transfer-Encoding and Content-Length (RFC 9112 §6.3)");
      }
      if (head.version() != HttpVersion.HTTP_1_1) {
        throw new MalformedRequestException(400, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)");
      }
      String codings = String.join(",", te).toLowerCase(Locale.ROOT).replace(" ", "").replace("\t", "");
      if (!codings.equals("chunked")) {
        throw new MalformedRequestException(501, "transfer coding not implemented: " + codings);
      }
      continueIfExpected(head);
      return readChunked();
    }
    long length = contentLength(cl);
    if (length == 0) {
      return new byte[0];
    }
    if (length > settings.maxBodyBytes()) {
      throw new MalformedRequestException(413, "body of " + length + " bytes");
    }
    continueIfExpected(head);
    byte[] body = new byte[(int) length];
    int got = 0;
    while (got < length) {
      if (!in.isReadable()) {
        if (endOfStream) {
          throw new MalformedRequestException(400, "connection closed in the middle of a body");
        }
        watchdog.arm(settings.idleTimeout().toNanos());
        readMore();
        continue;
      }
      int n = Math.min(in.readableBytes(), body.length - got);
      in.readBytes(body, got, n);
      got += n;
    }
    return body;
  }

  private static long contentLength(List<String> values) throws MalformedRequestException {
    long length = -1;
    for (String v : values) {
      for (String part : v.split(",", -1)) {
        String p = part.strip();
        if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new MalformedRequestException(400, "invalid Content-Length");
        }
        long n = Long.parseLong(p);
        if (length >= 0 && n != length) {
          throw new MalformedRequestException(400, "conflicting Content-Length values");
        }
        length = n;
      }
    }
    return Math.max(0, length);
  }

  private byte[] readChunked() throws IOException, MalformedRequestException {
    ChunkedBodyDecoder decoder = new ChunkedBodyDecoder(settings.maxBodyBytes());
    ByteBuf body = alloc.heapBuffer();
    try {
      while (!decoder.decode(in, body)) {
        if (endOfStream) {
          throw new MalformedRequestException(400, "connection closed in the middle of a chunked body");
        }
        watchdog.arm(settings.idleTimeout().toNanos());
        readMore();
      }
      return ByteBufUtil.getBytes(body);
    } finally {
      body.release();
    }
  }

  /** A piece of {@code content} of 1..{@code want} bytes; on failure releases {@code alsoRelease}. */
  private static ByteBuf readPiece(Content content, long offset, int want, long remaining, ByteBuf alsoRelease)
      throws IOException {
    ByteBuf piece;
    try {
      piece = content.read(offset, want);
    } catch (IOException | RuntimeException e) {
      if (alsoRelease != null) {
        alsoRelease.release();
      }
      throw e;
    }
    int n = piece.readableBytes();
    if (n == 0 || n > remaining) {
      piece.release();
      if (alsoRelease != null) {
        alsoRelease.release();
      }
      throw new IOException(n == 0 ? "content ended " + remaining + " bytes early" : "content longer than its length");
    }
    return piece;
  }

  /** RFC 9110 §10.1.1: an HTTP/1.1 client that sent {@code Expect: 100-continue} waits for it. */
  private void continueIfExpected(RequestHead head) throws IOException {
    if (head.version() == HttpVersion.HTTP_1_1 && head.headers().hasToken("Expect", "100-continue")
        && !in.isReadable()) {
      ByteBuf b = alloc.buffer(32);
      b.writeCharSequence("HTTP/1.1 100 Continue\r\n\r\n", StandardCharsets.US_ASCII);
      watchdog.arm(settings.idleTimeout().toNanos());
      flow.write(b);
    }
  }

  private void refuse(MalformedRequestException e, RequestHead head) throws IOException {
    LOG.debug("{}: refused: {}", flow, e.getMessage());
    HttpResponse r = HttpResponse.text(e.status(), StatusText.of(e.status()) + "\n");
    send(r, false, false, head);
  }

  private void send(HttpResponse response, boolean headOnly, boolean keepAlive, RequestHead request)
      throws IOException {
    int status = response.status();
    boolean bodiless = status == 204 || status == 304;
    Content content = bodiless ? Content.EMPTY : response.content();
    HttpHeaders h = HttpHeaders.EMPTY.with("Date", date());
    for (HttpHeaders.Field f : response.headers().fields()) {
      if (!f.name().equalsIgnoreCase("Content-Length") && !f.name().equalsIgnoreCase("Connection")
          && !f.name().equalsIgnoreCase("Date")) {
        h = h.with(f.name(), f.value());
      }
    }
    if (!bodiless) {
      h = h.with("Content-Length", Long.toString(content.length()));
    }
    if (!keepAlive) {
      h = h.with("Connection", "close");
    } else if (request != null && request.version() == HttpVersion.HTTP_1_0) {
      h = h.with("Connection", "keep-alive");
    }
    ByteBuf out = alloc.buffer(256);
    try {
      new ResponseHead(HttpVersion.HTTP_1_1, status, h).emit(out);
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
    long length = headOnly ? 0 : content.length();
    long sent = 0;
    int chunk = settings.chunkBytes();
    ByteBuf first = out;
    if (length > 0) {
      // The head and the first piece in one write: one segment for a small response, and no
      // head left alone in flight for Nagle's algorithm to hold the next segment behind.
      ByteBuf piece = readPiece(content, 0, (int) Math.min(chunk, length), length, out);
      sent = piece.readableBytes();
      first = alloc.compositeBuffer(2).addComponents(true, out, piece);
    }
    watchdog.arm(settings.idleTimeout().toNanos());
    flow.write(first);
    while (sent < length) {
      ByteBuf piece = readPiece(content, sent, (int) Math.min(chunk, length - sent), length - sent, null);
      int n = piece.readableBytes();
      watchdog.arm(settings.idleTimeout().toNanos());
      flow.write(piece);
      sent += n;
    }
    if (settings.accessLog() && ACCESS.isInfoEnabled()) {
      ACCESS.info("{} \"{} {} {}\" {} {}", flow.remoteEndpoint(),
          request == null ? "-" : request.method(), request == null ? "-" : request.target(),
          request == null ? "-" : request.version().text(), status, sent);
    }
  }
}
