package io.morgana.http;

import io.morgana.api.Kv;
import io.morgana.http.wire.ByteRange;
import io.morgana.http.wire.ByteRangeSpec;
import io.morgana.http.wire.HttpDates;
import io.morgana.http.wire.RequestTarget;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Serves the values of a {@link Kv} as files: the request path {@code /a/b.html} is key {@code
 * ROOT/a/b.html}. {@code GET} and {@code HEAD} only (others: 405 with {@code Allow}).
 *
 * <ul>
 *   <li>{@code Content-Type} by extension ({@link MediaTypes}), {@code Content-Length}; the
 *       content is read from the store in pieces as it is sent ({@link Kv#get(String, long, int)}).
 *   <li>Validators (RFC 9110 §8.8): {@code ETag} from size and modification time, {@code
 *       Last-Modified}. Preconditions in the order of RFC 9110 §13.2.2: {@code If-None-Match}
 *       matching (weak comparison), else {@code If-Modified-Since} not older than the file, gives
 *       304.
 *   <li>One {@code Range} (RFC 9110 §14.2) gives 206 with {@code Content-Range}, or 416 when no
 *       byte of it exists; {@code If-Range} with a stale validator gives the whole file. Several
 *       ranges or a malformed header are ignored (200).
 *   <li>A directory path ({@code /docs/}) serves its {@code index.html}; a directory named
 *       without the slash ({@code /docs}) is redirected (301) to the path with it, so relative
 *       links resolve; there are no listings.
 *   <li>A path the store cannot name (a FAT volume refuses {@code *} or {@code :} in a name)
 *       is 404, like a missing one.
 * </ul>
 */
public final class KvFileHandler implements HttpHandler {

  /** The file served for a directory path. */
  public static final String INDEX = "index.html";

  private final Kv kv;
  private final String root;

  /**
   * @param kv the store
   * @param root the key prefix files live under ({@code ""}: the whole store)
   */
  public KvFileHandler(Kv kv, String root) {
    this.kv = kv;
    String r = root;
    while (r.startsWith("/")) {
      r = r.substring(1);
    }
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    this.root = r;
  }

  @Override
  public HttpResponse handle(HttpRequest request) throws IOException {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return HttpResponse.text(405, "method not allowed\n").withHeader("Allow", "GET, HEAD");
    }
    RequestTarget target = request.target();
    String key = key(target);
    Optional<Kv.EntryKind> kind = kind(key);
    if (target.isDirectory()) {
      if (kind.isEmpty() || kind.get() != Kv.EntryKind.DICTIONARY) {
        return notFound();
      }
      key = key.isEmpty() ? INDEX : key + "/" + INDEX;
      kind = kind(key);
      if (kind.isEmpty() || kind.get() != Kv.EntryKind.VALUE) {
        return notFound();
      }
      return serve(request, key, INDEX);
    }
    if (kind.isEmpty()) {
      return notFound();
    }
    if (kind.get() == Kv.EntryKind.DICTIONARY) {
      String location = RequestTarget.encodePath(target.path() + "/")
          + (target.query().isEmpty() ? "" : "?" + target.query());
      return HttpResponse.text(301, "moved to " + location + "\n").withHeader("Location", location);
    }
    return serve(request, key, target.segments().getLast());
  }

  private String key(RequestTarget target) {
    String joined = String.join("/", target.segments());
    return root.isEmpty() ? joined : joined.isEmpty() ? root : root + "/" + joined;
  }

  private Optional<Kv.EntryKind> kind(String key) throws IOException {
    try {
      return kv.exists(key);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (FileSystemException e) {
      return Optional.empty(); // a name the store cannot hold cannot be there
    }
  }

  private static HttpResponse notFound() {
    return HttpResponse.text(404, "not found\n");
  }

  private HttpResponse serve(HttpRequest request, String key, String name) throws IOException {
    long size;
    Instant modified;
    try {
      size = kv.size(key);
      modified = kv.lastModified(key).truncatedTo(ChronoUnit.SECONDS);
    } catch (NoSuchFileException e) {
      return notFound();
    }
    String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified.getEpochSecond()) + "\"";
    String lastModified = HttpDates.format(modified);
    HttpResponse base = HttpResponse.status(200)
        .withHeader("ETag", etag)
        .withHeader("Last-Modified", lastModified)
        .withHeader("Accept-Ranges", "bytes");
    if (notModified(request, etag, modified)) {
      return new HttpResponse(304, base.headers(), Content.EMPTY);
    }
    HttpResponse typed = base.withHeader("Content-Type", MediaTypes.of(name));
    Content content = new KvContent(kv, key, size);
    String range = request.header("Range");
    if (range != null && request.method().equals("GET") && rangeStillValid(request, etag, lastModified)) {
      Optional<ByteRangeSpec> spec = ByteRangeSpec.parse(range);
      if (spec.isPresent()) {
        Optional<ByteRange> r = spec.get().resolve(size);
        if (r.isEmpty()) {
          return HttpResponse.text(416, "range not satisfiable\n")
              .withHeader("Content-Range", ByteRange.unsatisfied(size));
        }
        ByteRange b = r.get();
        return new HttpResponse(206, typed.headers().with("Content-Range", b.contentRange(size)),
            content.slice(b.first(), b.length()));
      }
    }
    return typed.withContent(content);
  }

  /** RFC 9110 §13.1.2 and §13.1.3, evaluated as §13.2.2 orders them. */
  private static boolean notModified(HttpRequest request, String etag, Instant modified) {
    String inm = request.header("If-None-Match");
    if (inm != null) {
      return matchesWeakly(inm, etag);
    }
    String ims = request.header("If-Modified-Since");
    if (ims != null) {
      Optional<Instant> since = HttpDates.parse(ims);
      return since.isPresent() && !modified.isAfter(since.get());
    }
    return false;
  }

  /** {@code If-None-Match}: {@code *} or a list of entity tags, compared weakly (RFC 9110 §8.8.3.2). */
  private static boolean matchesWeakly(String header, String etag) {
    if (header.strip().equals("*")) {
      return true;
    }
    for (String part : header.split(",")) {
      String t = part.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** {@code If-Range} (RFC 9110 §13.1.5): the range applies only if the validator still matches. */
  private static boolean rangeStillValid(HttpRequest request, String etag, String lastModified) {
    String ifRange = request.header("If-Range");
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.strip();
    if (v.startsWith("\"")) {
      return v.equals(etag);
    }
    return v.equals(lastModified);
  }

  /** A value of the store, read a piece at a time. */
  private record KvContent(Kv kv, String key, long length) implements Content {
    @Override
    public ByteBuf read(long offset, int maxBytes) throws IOException {
      return kv.get(key, offset, maxBytes)
          .orElseThrow(() -> new NoSuchFileException(key, null, "removed while being sent"));
    }
  }
}
