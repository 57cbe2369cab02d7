package io.morgana.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a {@link Scenario} over many seeds — seed {@code first}, {@code first + 1}, … until a
 * count or a wall-clock budget is spent — and, at the first seed that fails, shrinks its fault
 * schedule: it tries each {@link FaultSchedule#shrinkCandidates() smaller schedule} with the same
 * seed and keeps the first that still fails, until none does (jqwik's shrinking, applied to the
 * faults; the seed's own randomness stays as it was).
 *
 * <p>The fault schedule of seed {@code s} is drawn from a generator seeded with {@code s}, apart
 * from the simulation's own stream, so {@code explore} and a rerun of one seed agree.
 */
public final class Explorer {

  /** The outcome of an exploration. */
  public record Report(
      int seedsRun, long wallNanos, Optional<SimResult> failure, Optional<SimResult> shrunk, int shrinkSteps,
      List<String> shrinkLog) {

    /** Seeds per minute of wall-clock time. */
    public double seedsPerMinute() {
      return wallNanos == 0 ? 0 : seedsRun * 60e9 / wallNanos;
    }
  }

  private final Scenario scenario;
  private Consumer<SimResult> onRun = r -> {};
  private int maxShrinkRuns = 200;

  public Explorer(Scenario scenario) {
    this.scenario = scenario;
  }

  /** Called after every run (progress reports). */
  public Explorer onRun(Consumer<SimResult> listener) {
    this.onRun = listener;
    return this;
  }

  /** At most this many runs spent shrinking (default 200). */
  public Explorer maxShrinkRuns(int runs) {
    this.maxShrinkRuns = runs;
    return this;
  }

  /** The fault schedule seed {@code seed} runs with. */
  public FaultSchedule faultsOf(long seed) {
    return scenario.drawFaults(new SplittableRandom(seed ^ 0x5ca1ab1e_f00dL));
  }

  /** Runs one seed with its own fault schedule. */
  public SimResult run(long seed) {
    return run(seed, faultsOf(seed));
  }

  /** Runs one seed with {@code faults}. */
  public SimResult run(long seed, FaultSchedule faults) {
    SimResult r = scenario.build(seed, faults).run(scenario.duration());
    onRun.accept(r);
    return r;
  }

  /**
   * Runs seeds {@code first}, {@code first + 1}, … until {@code maxSeeds} have run, {@code budget}
   * of wall-clock time is spent, or one fails; shrinks the failing one.
   */
  public Report explore(long first, int maxSeeds, Duration budget) {
    long start = System.nanoTime();
    int runs = 0;
    for (long seed = first; runs < maxSeeds && System.nanoTime() - start < budget.toNanos(); seed++) {
      SimResult r = run(seed);
      runs++;
      if (!r.passed()) {
        long wall = System.nanoTime() - start;
        List<String> shrinkLog = new ArrayList<>();
        SimResult smallest = shrink(r, shrinkLog);
        return new Report(runs, wall, Optional.of(r), Optional.of(smallest), shrinkLog.size(), shrinkLog);
      }
    }
    return new Report(runs, System.nanoTime() - start, Optional.empty(), Optional.empty(), 0, List.of());
  }

  /** The smallest failing schedule reachable from {@code failing}'s by single steps. */
  public SimResult shrink(SimResult failing, List<String> log) {
    SimResult best = failing;
    int budget = maxShrinkRuns;
    boolean progress = true;
    while (progress && budget > 0) {
      progress = false;
      for (FaultSchedule candidate : best.faults().shrinkCandidates()) {
        if (budget-- <= 0) {
          break;
        }
        SimResult r = run(failing.seed(), candidate);
        if (!r.passed()) {
          log.add("still fails with " + candidate + ": " + r.violation().orElseThrow().invariant());
          best = r;
          progress = true;
          break;
        }
      }
    }
    return best;
  }
}
