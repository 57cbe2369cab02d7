package io.morgana.sim;

/**
 * What a {@link SimDisk} does wrong. A write fails whole with probability {@code writeErrors}
 * (an I/O error; nothing of it lands). At a crash, each write since the last flush lands with
 * probability {@code unsyncedLands} — a disk cache drains in any order, so some may and some may
 * not — and a landing write is torn (only a prefix of its sectors lands) with probability {@code
 * tornWrites}. With {@link #NONE} a crash keeps exactly what was flushed.
 */
public record DiskFaults(double writeErrors, double unsyncedLands, double tornWrites) {

  /** No write errors; a crash loses everything not flushed. */
  public static final DiskFaults NONE = new DiskFaults(0, 0, 0);

  public DiskFaults {
    for (double p : new double[] {writeErrors, unsyncedLands, tornWrites}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probabilities are within [0, 1]: " + p);
      }
    }
  }
}
