package io.morgana.sim.demo;

import io.morgana.sim.Explorer;
import io.morgana.sim.FaultSchedule;
import io.morgana.sim.SimResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code java -jar sim-demo.jar --seed=N [--pcap-dir=DIR] [--seconds=S] [--forget-leases]
 * [--no-probe] [--clients=N] [--http-clients=M] [--faults=SPEC] [--explore=COUNT]}: runs
 * the {@link DemoScenario} with its own fault schedule ({@link DemoScenario#demoFaults()}, or {@code
 * SPEC} in {@link FaultSchedule#toSpec()}'s format), prints
 * a summary, writes a pcap per link and a log per kernel to {@code DIR} if given (and, on a
 * violation, to {@code sim-failure-seed-N} when no directory was given), and exits 0 when every
 * invariant held, 1 with the seed when not, 2 on a bad command line.
 *
 * <p>With {@code --explore=COUNT} it runs seeds {@code N}, {@code N+1}, … each with a random
 * fault schedule ({@link io.morgana.sim.Explorer}), stops at the first failure, shrinks its
 * schedule and writes that run's artifacts; it prints seeds per minute. A failure prints the
 * command line that replays it.
 */
public final class SimDemo {

  private SimDemo() {}

  /** CPU time of the whole process so far (the figures are measured on shared machines). */
  private static double cpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  public static void main(String[] argv) {
    Long seed = null;
    Optional<Path> pcapDir = Optional.empty();
    long seconds = DemoScenario.Options.DEMO.duration().toSeconds();
    boolean forget = false;
    boolean probe = true;
    int clients = DemoScenario.Options.DEMO.clients();
    int httpClients = DemoScenario.Options.DEMO.httpClients();
    int explore = 0;
    FaultSchedule faults = DemoScenario.demoFaults();
    java.util.List<String> scenarioArgs = new java.util.ArrayList<>(); // for the replay command
    try {
      for (String a : argv) {
        if (a.startsWith("--seed=")) {
          seed = Long.parseLong(a.substring(7));
        } else if (a.startsWith("--pcap-dir=")) {
          pcapDir = Optional.of(Path.of(a.substring(11)));
        } else if (a.startsWith("--seconds=")) {
          seconds = Long.parseLong(a.substring(10));
          if (seconds < 1) {
            throw new NumberFormatException("--seconds must be at least 1");
          }
        } else if (a.equals("--forget-leases")) {
          forget = true;
        } else if (a.equals("--no-probe")) {
          probe = false;
        } else if (a.startsWith("--clients=")) {
          clients = Integer.parseInt(a.substring(10));
        } else if (a.startsWith("--http-clients=")) {
          httpClients = Integer.parseInt(a.substring(15));
        } else if (a.startsWith("--faults=")) {
          faults = FaultSchedule.parse(a.substring(9));
          continue;
        } else if (a.startsWith("--explore=")) {
          explore = Integer.parseInt(a.substring(10));
          continue;
        } else {
          throw new IllegalArgumentException("unknown argument " + a);
        }
        if (!a.startsWith("--seed=") && !a.startsWith("--pcap-dir=")) {
          scenarioArgs.add(a);
        }
      }
      if (seed == null) {
        throw new IllegalArgumentException("--seed=N is required");
      }
      if (clients < 1 || clients > 100 || httpClients < 0 || httpClients > clients) {
        throw new IllegalArgumentException("1 <= --clients <= 100 and 0 <= --http-clients <= --clients");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("sim-demo: " + e.getMessage());
      System.err.println("usage: java -jar sim-demo.jar --seed=N [--pcap-dir=DIR] [--seconds=S] [--forget-leases] [--no-probe]"
          + " [--clients=N] [--http-clients=M] [--faults=crash:dhcp:70000:73000,partition:dhcp:20000:45000]"
          + " [--explore=COUNT]");
      System.exit(2);
      return;
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off"); // the kernels' logs are the simulation's
    DemoScenario scenario = new DemoScenario(DemoScenario.Options.DEMO.withDuration(Duration.ofSeconds(seconds))
        .withForgetLeases(forget).withArpProbe(probe).withClients(clients, httpClients));
    SimResult result;
    if (explore > 0) {
      Explorer.Report report = new Explorer(scenario).explore(seed, explore, Duration.ofDays(1));
      System.out.printf("explored %d seed(s) from %d in %.1f s: %.1f seeds per minute (the process used %.1f s of CPU)%n",
          report.seedsRun(), seed, report.wallNanos() / 1e9, report.seedsPerMinute(), cpuSeconds());
      if (report.failure().isEmpty()) {
        System.out.println("PASS: every seed held its invariants");
        System.exit(0);
        return;
      }
      SimResult failure = report.failure().get();
      System.out.println("seed " + failure.seed() + " fails with " + failure.faults() + ": " + failure.violation().orElseThrow());
      report.shrinkLog().forEach(line -> System.out.println("  shrink: " + line));
      result = report.shrunk().orElseThrow();
      System.out.println("shrunk to: " + result.faults());
    } else {
      result = scenario.build(seed, faults).run(scenario.duration());
    }
    System.out.print(result.summary());
    System.out.printf("%d steps; %.1f simulated seconds per wall second (%.2f s wall; the process used %.2f s of CPU)%n",
        result.steps(), result.speed(), result.wallNanos() / 1e9, cpuSeconds());
    Optional<Path> out = pcapDir.or(() -> result.passed() ? Optional.empty() : Optional.of(Path.of("sim-failure-seed-" + result.seed())));
    out.ifPresent(dir -> {
      result.writeTo(dir);
      System.out.println("pcaps and logs in " + dir.toAbsolutePath());
    });
    if (result.passed()) {
      System.out.println("PASS seed " + result.seed());
      System.exit(0);
    }
    System.out.println("FAIL seed " + result.seed() + "; replay: java -jar sim-demo.jar --seed=" + result.seed()
        + (scenarioArgs.isEmpty() ? "" : " " + String.join(" ", scenarioArgs)) + " --faults=" + result.faults().toSpec());
    System.exit(1);
  }
}
