package io.morgana.http.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteRangeSpecTest {

  private static Optional<ByteRange> range(String header, long length) {
    return ByteRangeSpec.parse(header).orElseThrow().resolve(length);
  }

  @Test
  void rfc9110_14_1_2_examples() {
    assertEquals(new ByteRange(0, 499), range("bytes=0-499", 10_000).orElseThrow());
    assertEquals(new ByteRange(500, 999), range("bytes=500-999", 10_000).orElseThrow());
    assertEquals(new ByteRange(9500, 9999), range("bytes=-500", 10_000).orElseThrow());
    assertEquals(new ByteRange(9500, 9999), range("bytes=9500-", 10_000).orElseThrow());
    assertEquals(new ByteRange(0, 0), range("bytes=0-0", 10_000).orElseThrow());
    assertEquals(new ByteRange(9999, 9999), range("bytes=-1", 10_000).orElseThrow());
  }

  @Test
  void lastPastTheEnd_clipped_suffixLongerThanTheFile_wholeFile() {
    assertEquals(new ByteRange(5, 9), range("bytes=5-99999999999999999999999", 10).orElseThrow());
    assertEquals(new ByteRange(0, 9), range("bytes=-50", 10).orElseThrow());
    assertEquals("bytes 5-9/10", new ByteRange(5, 9).contentRange(10));
  }

  @Test
  void rfc9110_14_1_1_unsatisfiable() {
    assertTrue(range("bytes=10-", 10).isEmpty());
    assertTrue(range("bytes=-0", 10).isEmpty());
    assertTrue(range("bytes=0-", 0).isEmpty());
    assertEquals("bytes */10", ByteRange.unsatisfied(10));
  }

  @Test
  void rfc9110_14_2_ignored_severalRangesOtherUnitsBadSyntax() {
    for (String h : new String[] {"bytes=0-1,3-4", "items=0-1", "bytes=5-1", "bytes=a-", "bytes=", "bytes=-", "0-1", "bytes=1-2-3"}) {
      assertTrue(ByteRangeSpec.parse(h).isEmpty(), h);
    }
  }
}
