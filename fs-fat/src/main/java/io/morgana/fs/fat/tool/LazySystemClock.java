package io.morgana.fs.fat.tool;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The system clock in the default time zone, with the zone looked up on first use only: finding
 * it loads the time-zone database, about 15 ms of a short command's start-up, and commands that
 * write nothing (df, ls, get, cat) never need it.
 */
final class LazySystemClock extends Clock {

  private volatile ZoneId zone;

  @Override
  public ZoneId getZone() {
    ZoneId z = zone;
    if (z == null) {
      z = ZoneId.systemDefault();
      zone = z;
    }
    return z;
  }

  @Override
  public Clock withZone(ZoneId z) {
    return Clock.system(z);
  }

  @Override
  public long millis() {
    return System.currentTimeMillis();
  }

  @Override
  public Instant instant() {
    return Instant.now();
  }
}
