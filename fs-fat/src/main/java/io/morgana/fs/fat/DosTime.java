package io.morgana.fs.fat;

import java.time.LocalDate;
import java.time.LocalDateTime;

/** DOS date and time fields (fatgen103 §6.1): local time, years 1980..2107, 2-second steps. */
final class DosTime {

  private DosTime() {}

  static LocalDateTime clamp(LocalDateTime t) {
    if (t.getYear() < 1980) {
      return LocalDateTime.of(1980, 1, 1, 0, 0);
    }
    if (t.getYear() > 2107) {
      return LocalDateTime.of(2107, 12, 31, 23, 59, 58);
    }
    return t;
  }

  static int date(LocalDateTime t) {
    t = clamp(t);
    return (t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
  }

  static int time(LocalDateTime t) {
    t = clamp(t);
    return t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2;
  }

  /** Creation-time refinement: 0..199 hundredths of a second beyond the 2-second field. */
  static int tenths(LocalDateTime t) {
    t = clamp(t);
    return (t.getSecond() % 2) * 100 + t.getNano() / 10_000_000;
  }

  static LocalDate toDate(int date) {
    int y = 1980 + (date >>> 9);
    int m = (date >>> 5) & 0xF;
    int d = date & 0x1F;
    if (m < 1 || m > 12 || d < 1 || d > 31) {
      return LocalDate.of(1980, 1, 1);
    }
    try {
      return LocalDate.of(y, m, d);
    } catch (java.time.DateTimeException e) {
      return LocalDate.of(1980, 1, 1);
    }
  }

  static LocalDateTime toDateTime(int date, int time, int tenths) {
    LocalDate d = toDate(date);
    int h = time >>> 11;
    int mi = (time >>> 5) & 0x3F;
    int s = (time & 0x1F) * 2;
    if (h > 23 || mi > 59 || s > 59) {
      return d.atStartOfDay();
    }
    int extra = Math.min(tenths, 199);
    return d.atTime(h, mi, s).plusNanos(extra * 10_000_000L);
  }
}
