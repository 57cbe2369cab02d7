package io.morgana.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The faults a run injects besides the links' and disks' own: partitions and crashes at given
 * times. A value: the {@link Explorer} draws one per seed and shrinks the schedule of a failing
 * seed, fault by fault ({@link #shrinkCandidates()}), as jqwik shrinks an input.
 *
 * @param faults in the order they were drawn
 */
public record FaultSchedule(List<Fault> faults) {
  // Times are kept in whole milliseconds (drawn so, shrunk so) so that toSpec() loses nothing.

  /** No faults. */
  public static final FaultSchedule NONE = new FaultSchedule(List.of());

  public FaultSchedule {
    faults = List.copyOf(faults);
  }

  /** One fault. */
  public sealed interface Fault permits Partition, Crash {

    /** Puts the fault on {@code sim}'s schedule. */
    void applyTo(Simulation sim);

    /** Smaller versions of this fault (shorter), most aggressive first; none if it is minimal. */
    List<Fault> shrink();

    /** When the fault is over (healed, restarted). */
    Duration end();
  }

  /** {@code kernels} hear only each other from {@code at} until {@code healAt}. */
  public record Partition(List<String> kernels, Duration at, Duration healAt) implements Fault {
    public Partition {
      kernels = List.copyOf(kernels);
    }

    @Override
    public void applyTo(Simulation sim) {
      sim.at(at, "partition " + kernels + " from the rest", () -> sim.isolate(kernels));
      sim.at(healAt, "heal the partition of " + kernels, sim::healAll);
    }

    @Override
    public Duration end() {
      return healAt;
    }

    @Override
    public List<Fault> shrink() {
      Duration length = healAt.minus(at);
      if (length.compareTo(Duration.ofMillis(10)) < 0) {
        return List.of();
      }
      return List.of(new Partition(kernels, at, at.plusMillis(length.toMillis() / 2))); // whole ms, as toSpec
    }

    @Override
    public String toString() {
      return "partition " + kernels + " at " + at.toMillis() + " ms, heal at " + healAt.toMillis() + " ms";
    }
  }

  /** Power cut of {@code kernel} at {@code at}; it boots again at {@code restartAt}. */
  public record Crash(String kernel, Duration at, Duration restartAt) implements Fault {
    @Override
    public void applyTo(Simulation sim) {
      SimKernel<?> k = sim.kernel(kernel);
      sim.at(at, "crash " + kernel, () -> sim.crash(k));
      sim.at(restartAt, "restart " + kernel, () -> sim.restart(k));
    }

    @Override
    public Duration end() {
      return restartAt;
    }

    @Override
    public List<Fault> shrink() {
      Duration down = restartAt.minus(at);
      if (down.compareTo(Duration.ofMillis(10)) < 0) {
        return List.of();
      }
      return List.of(new Crash(kernel, at, at.plusMillis(down.toMillis() / 2))); // whole ms, as toSpec
    }

    @Override
    public String toString() {
      return "crash " + kernel + " at " + at.toMillis() + " ms, restart at " + restartAt.toMillis() + " ms";
    }
  }

  /** When the last fault is over; zero without faults. */
  public Duration end() {
    return faults.stream().map(Fault::end).max(Duration::compareTo).orElse(Duration.ZERO);
  }

  /** Puts every fault on {@code sim}'s schedule. */
  public void applyTo(Simulation sim) {
    faults.forEach(f -> f.applyTo(sim));
  }

  /**
   * Smaller schedules, most aggressive first: without each fault, then with each fault shrunk.
   */
  public List<FaultSchedule> shrinkCandidates() {
    List<FaultSchedule> out = new ArrayList<>();
    for (int i = 0; i < faults.size(); i++) {
      List<Fault> f = new ArrayList<>(faults);
      f.remove(i);
      out.add(new FaultSchedule(f));
    }
    for (int i = 0; i < faults.size(); i++) {
      for (Fault smaller : faults.get(i).shrink()) {
        List<Fault> f = new ArrayList<>(faults);
        f.set(i, smaller);
        out.add(new FaultSchedule(f));
      }
    }
    return out;
  }

  /**
   * The schedule as a command-line value that {@link #parse} reads back: faults separated by
   * commas, each {@code crash:KERNEL:AT_MS:RESTART_MS} or {@code partition:K1+K2:AT_MS:HEAL_MS};
   * {@code none} for no faults. Times are whole milliseconds.
   */
  public String toSpec() {
    if (faults.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    for (Fault f : faults) {
      switch (f) {
        case Crash c -> parts.add("crash:" + c.kernel() + ":" + c.at().toMillis() + ":" + c.restartAt().toMillis());
        case Partition p -> parts.add("partition:" + String.join("+", p.kernels()) + ":" + p.at().toMillis() + ":"
            + p.healAt().toMillis());
      }
    }
    return String.join(",", parts);
  }

  /**
   * Reads {@link #toSpec()}'s format.
   *
   * @throws IllegalArgumentException with what is wrong, for anything else
   */
  public static FaultSchedule parse(String spec) {
    if (spec.equals("none")) {
      return NONE;
    }
    List<Fault> out = new ArrayList<>();
    for (String item : spec.split(",")) {
      String[] f = item.split(":");
      if (f.length != 4) {
        throw new IllegalArgumentException("a fault is KIND:KERNELS:AT_MS:END_MS, got '" + item + "'");
      }
      Duration at;
      Duration end;
      try {
        at = Duration.ofMillis(Long.parseLong(f[2]));
        end = Duration.ofMillis(Long.parseLong(f[3]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("times are whole milliseconds in '" + item + "'", e);
      }
      if (at.isNegative() || end.compareTo(at) < 0) {
        throw new IllegalArgumentException("0 <= AT_MS <= END_MS in '" + item + "'");
      }
      switch (f[0]) {
        case "crash" -> out.add(new Crash(f[1], at, end));
        case "partition" -> out.add(new Partition(List.of(f[1].split("\\+")), at, end));
        default -> throw new IllegalArgumentException("a fault is crash or partition, got '" + f[0] + "'");
      }
    }
    return new FaultSchedule(out);
  }

  @Override
  public String toString() {
    return faults.isEmpty() ? "no faults" : String.join("; ", faults.stream().map(Object::toString).toList());
  }
}
