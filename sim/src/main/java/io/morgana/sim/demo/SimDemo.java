package io.morgana.sim.demo;

import io.morgana.sim.SimResult;
import io.morgana.sim.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code java -jar sim-demo.jar --seed=N [--pcap-dir=DIR] [--seconds=S] [--forget-leases]}: runs
 * the {@link DemoScenario} with its own fault schedule ({@link DemoScenario#demoFaults()}), prints
 * a summary, writes a pcap per link and a log per kernel to {@code DIR} if given (and, on a
 * violation, to {@code sim-failure-seed-N} when no directory was given), and exits 0 when every
 * invariant held, 1 with the seed when not, 2 on a bad command line.
 */
public final class SimDemo {

  private SimDemo() {}

  public static void main(String[] argv) {
    Long seed = null;
    Optional<Path> pcapDir = Optional.empty();
    long seconds = DemoScenario.Options.DEMO.duration().toSeconds();
    boolean forget = false;
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
        } else {
          throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      if (seed == null) {
        throw new IllegalArgumentException("--seed=N is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("sim-demo: " + e.getMessage());
      System.err.println("usage: java -jar sim-demo.jar --seed=N [--pcap-dir=DIR] [--seconds=S] [--forget-leases]");
      System.exit(2);
      return;
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off"); // the kernels' logs are the simulation's
    DemoScenario scenario = new DemoScenario(
        DemoScenario.Options.DEMO.withDuration(Duration.ofSeconds(seconds)).withForgetLeases(forget));
    Simulation sim = scenario.build(seed, DemoScenario.demoFaults());
    SimResult result = sim.run(scenario.duration());
    System.out.print(result.summary());
    System.out.printf("%d steps; %.1f simulated seconds per wall second (%.2f s wall)%n", result.steps(), result.speed(),
        result.wallNanos() / 1e9);
    Optional<Path> out = pcapDir.or(() -> result.passed() ? Optional.empty() : Optional.of(Path.of("sim-failure-seed-" + result.seed())));
    out.ifPresent(dir -> {
      result.writeTo(dir);
      System.out.println("pcaps and logs in " + dir.toAbsolutePath());
    });
    if (result.passed()) {
      System.out.println("PASS seed " + result.seed());
      System.exit(0);
    }
    System.out.println("FAIL seed " + result.seed() + ": rerun with --seed=" + result.seed() + " to replay it");
    System.exit(1);
  }
}
