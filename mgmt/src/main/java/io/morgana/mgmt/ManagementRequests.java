package io.morgana.mgmt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * Management over any request/response transport (HTTP, a test): a function from a {@link
 * ManagementRequest} to a {@link ManagementResponse}, which never throws.
 *
 * <ul>
 *   <li>{@code GET /metrics} (and {@code HEAD}): every metric ({@link KernelMetrics}) as
 *       Prometheus text, or OpenMetrics when {@code Accept} asks for it; needs the token unless
 *       {@code --mgmt-open-metrics}.
 *   <li>{@code POST /cmd/NAME}: runs command NAME with the words of the body (UTF-8 text,
 *       separated by spaces, tabs or newlines) as arguments, and answers its text: {@code 200},
 *       {@code 400} for bad arguments or a body that is not UTF-8, {@code 404} for an unknown
 *       command, {@code 500} when it failed. Always needs the token.
 *   <li>Authentication (RFC 6750 §2.1): {@code Authorization: Bearer TOKEN}, compared in constant
 *       time (SHA-256 of both, then {@link MessageDigest#isEqual}: the time depends on neither
 *       value nor length); without it or with another token, {@code 401} with {@code
 *       WWW-Authenticate: Bearer realm="morgana"} (RFC 6750 §3), before anything else is looked
 *       at. A kernel started without {@code --mgmt-token} answers {@code 401} to all of them.
 *   <li>A body over {@link #MAX_BODY_BYTES}: {@code 413}; another method: {@code 405} with {@code
 *       Allow}; another path: {@code 404}.
 * </ul>
 *
 * <p><b>Threads:</b> {@link #handle} blocks (it reads the loop's counters through the loop
 * bridge, runs commands): call it on an application thread, as an HTTP server's connection
 * thread is.
 */
public final class ManagementRequests {

  /** The largest request body accepted; transports should refuse longer ones before reading them. */
  public static final int MAX_BODY_BYTES = CommandRegistry.MAX_LINE_LENGTH;

  private static final String CMD = "/cmd/";
  private static final String REALM = "Bearer realm=\"morgana\"";

  private final KernelMetrics metrics;
  private final CommandRegistry commands;
  private final Optional<byte[]> tokenDigest;
  private final boolean openMetrics;

  /** Requests answered from {@code metrics} and {@code commands} as {@code settings} say. */
  public ManagementRequests(KernelMetrics metrics, CommandRegistry commands, ManagementSettings settings) {
    this.metrics = metrics;
    this.commands = commands;
    this.tokenDigest = settings.token().map(ManagementRequests::sha256);
    this.openMetrics = settings.openMetrics();
  }

  /** Answers {@code request}. */
  public ManagementResponse handle(ManagementRequest request) {
    String target = request.target();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String method = request.method();
    if (path.equals("/metrics")) {
      if (!openMetrics) {
        Optional<ManagementResponse> refused = authenticate(request);
        if (refused.isPresent()) {
          return refused.get();
        }
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        return ManagementResponse.text(405, "GET /metrics", Map.of("Allow", "GET, HEAD"));
      }
      try {
        KernelMetrics.Exposition e = metrics.expose(request.header("Accept").orElse(null));
        return new ManagementResponse(200, e.contentType(), Map.of(), method.equals("HEAD") ? new byte[0] : e.body());
      } catch (RuntimeException e) {
        return ManagementResponse.text(500, "scrape failed: " + e.getMessage(), Map.of());
      }
    }
    if (path.startsWith(CMD)) {
      Optional<ManagementResponse> refused = authenticate(request);
      if (refused.isPresent()) {
        return refused.get();
      }
      if (!method.equals("POST")) {
        return ManagementResponse.text(405, "POST /cmd/NAME with the arguments as the body", Map.of("Allow", "POST"));
      }
      if (request.body().length > MAX_BODY_BYTES) {
        return ManagementResponse.text(413, "arguments longer than " + MAX_BODY_BYTES + " bytes", Map.of());
      }
      String arguments;
      try {
        arguments = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(request.body()))
            .toString();
      } catch (CharacterCodingException e) {
        return ManagementResponse.text(400, "the arguments are not UTF-8 text", Map.of());
      }
      String name = path.substring(CMD.length());
      if (!CommandRegistry.isValidName(name)) {
        return ManagementResponse.text(404, "unknown command '" + CommandRegistry.printable(name) + "'; POST /cmd/help"
            + " lists them", Map.of());
      }
      CommandResult r = commands.execute(name + " " + arguments.replace('\n', ' ').replace('\r', ' '));
      int status = switch (r.outcome()) {
        case OK -> 200;
        case BAD_ARGUMENTS -> 400;
        case UNKNOWN_COMMAND -> 404;
        case FAILED -> 500;
      };
      return ManagementResponse.text(status, r.text(), Map.of());
    }
    return ManagementResponse.text(404, "not found; GET /metrics, or POST /cmd/NAME (POST /cmd/help lists them)",
        Map.of());
  }

  /** Empty when the request carries the token; the 401 answer otherwise. */
  private Optional<ManagementResponse> authenticate(ManagementRequest request) {
    if (tokenDigest.isEmpty()) {
      return Optional.of(ManagementResponse.text(401,
          "management commands are off: the kernel was started without --mgmt-token", Map.of("WWW-Authenticate",
              REALM)));
    }
    Optional<String> header = request.header("Authorization");
    if (header.isEmpty()) {
      return Optional.of(ManagementResponse.text(401, "send Authorization: Bearer TOKEN",
          Map.of("WWW-Authenticate", REALM)));
    }
    String h = header.get().strip();
    boolean bearer = h.regionMatches(true, 0, "Bearer ", 0, 7);
    byte[] presented = sha256(bearer ? h.substring(7).strip() : "");
    if (!bearer | !MessageDigest.isEqual(presented, tokenDigest.get())) {
      return Optional.of(ManagementResponse.text(401, "wrong token",
          Map.of("WWW-Authenticate", REALM + ", error=\"invalid_token\"")));
    }
    return Optional.empty();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
