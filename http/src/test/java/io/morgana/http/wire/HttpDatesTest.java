package io.morgana.http.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpDatesTest {

  static final Instant EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");

  @Test
  void rfc9110_5_6_7_theThreeFormsOfOneInstant() {
    assertEquals(EXAMPLE, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT").orElseThrow());
    assertEquals(EXAMPLE, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT").orElseThrow());
    assertEquals(EXAMPLE, HttpDates.parse("Sun Nov  6 08:49:37 1994").orElseThrow());
  }

  @Test
  void format_imfFixdate_zeroPaddedDay() {
    assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(EXAMPLE));
    assertEquals(EXAMPLE, HttpDates.parse(HttpDates.format(EXAMPLE)).orElseThrow());
  }

  @Test
  void invalid_empty() {
    assertTrue(HttpDates.parse("yesterday").isEmpty());
    assertTrue(HttpDates.parse("Sun, 32 Nov 1994 08:49:37 GMT").isEmpty());
    assertTrue(HttpDates.parse("").isEmpty());
  }
}
