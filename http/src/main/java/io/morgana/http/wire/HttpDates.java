package io.morgana.http.wire;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 §5.6.7): {@link #format} writes the preferred IMF-fixdate ({@code Sun, 06
 * Nov 1994 08:49:37 GMT}); {@link #parse} also reads the two obsolete forms a recipient must
 * accept, RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov  6
 * 08:49:37 1994}). Two-digit years are taken in the past 50 years' window of RFC 9110 §5.6.7,
 * fixed here at 1970-2069 (no clock in the wire package).
 */
public final class HttpDates {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
      .appendPattern("EEEE, dd-MMM-")
      .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
      .appendPattern(" HH:mm:ss 'GMT'")
      .toFormatter(Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);
  private static final DateTimeFormatter IMF_PARSE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

  private HttpDates() {}

  /** {@code instant} as an IMF-fixdate, to the second. */
  public static String format(Instant instant) {
    return IMF_FIXDATE.format(instant);
  }

  /** The instant of an HTTP date in any of the three forms; empty when {@code text} is none. */
  public static Optional<Instant> parse(String text) {
    String t = text.strip();
    for (DateTimeFormatter f : new DateTimeFormatter[] {IMF_PARSE, RFC_850, ASCTIME}) {
      try {
        return Optional.of(LocalDateTime.parse(t, f.withResolverStyle(ResolverStyle.SMART)).toInstant(ZoneOffset.UTC));
      } catch (DateTimeException e) {
        // try the next form
      }
    }
    return Optional.empty();
  }
}
