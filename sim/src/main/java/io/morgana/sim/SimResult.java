package io.morgana.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link Simulation} run ended: the seed, the simulated time reached, the violation if an
 * invariant failed (with the simulation time it was seen at), a log per kernel and a pcap per
 * link. The same seed and schedule give equal logs and pcaps, byte for byte.
 *
 * @param logs per kernel, in declaration order, and {@code "simulation"} for the schedule
 * @param pcaps per link file name ({@code network-kernel.pcap})
 * @param steps the distinct moments at which something ran
 * @param wallNanos the real time the run took (the only thing that differs between runs)
 */
public record SimResult(
    long seed, FaultSchedule faults, long simulatedNanos, Optional<Violation> violation, Map<String, String> logs,
    Map<String, byte[]> pcaps, String summary, long steps, long wallNanos) {

  /** An invariant that failed: its name, what it said, and when. */
  public record Violation(String invariant, String message, long atNanos) {
    @Override
    public String toString() {
      return invariant + " violated at t=" + Simulation.seconds(atNanos) + " s: " + message;
    }
  }

  public SimResult {
    logs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(logs));
    pcaps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pcaps));
  }

  public boolean passed() {
    return violation.isEmpty();
  }

  /** Simulated seconds per wall-clock second of this run. */
  public double speed() {
    return wallNanos == 0 ? Double.POSITIVE_INFINITY : (double) simulatedNanos / wallNanos;
  }

  /**
   * Writes {@code summary.txt}, one {@code KERNEL.log} per kernel (and {@code simulation.log}),
   * and one pcap per link into {@code dir} (created if needed).
   */
  public void writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
      for (Map.Entry<String, String> e : logs.entrySet()) {
        Files.writeString(dir.resolve(e.getKey() + ".log"), e.getValue(), StandardCharsets.UTF_8);
      }
      for (Map.Entry<String, byte[]> e : pcaps.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run's artifacts to " + dir, e);
    }
  }
}
