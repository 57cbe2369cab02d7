package io.morgana.sim;

import io.morgana.api.MacAddress;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Pollable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * A whole system in one JVM, on one thread, in virtual time: kernels (real applications' Dagger
 * components on {@link SimDevicesModule}), the {@link Network}s between them, their {@link
 * SimDisk}s and {@link SimClock}s, a schedule of events, and invariants. One seed decides
 * everything that is not declared — MAC addresses, clock skew and drift, every kernel's {@link
 * io.morgana.runtime.Entropy} (TCP keys, DHCP transaction ids), every fault a link or a disk
 * injects — so {@link #run} with the same seed and declarations gives the same logs and pcaps,
 * byte for byte.
 *
 * <pre>{@code
 * Simulation sim = new Simulation(seed);
 * Network lan = sim.network("lan", LinkConditions.PERFECT.withLoss(0.01));
 * SimKernel<ServerSim> server = sim.kernel("server", lan, DaggerServerSim.factory()::create, "--ipv4=192.0.2.1/24");
 * sim.disk(server, 512, 2048, DiskFaults.NONE);
 * sim.crash(server, Duration.ofSeconds(5));
 * sim.restart(server, Duration.ofSeconds(6));
 * sim.invariant("one leader", () -> ...);
 * SimResult result = sim.run(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p><b>How time runs.</b> The simulation keeps one event queue (frame arrivals, scheduled
 * actions) and asks each running kernel's loop for its next deadline on the kernel's own clock,
 * converted to simulation time. It jumps to the earliest, runs the events due, then every running
 * kernel's loop until idle at that time (kernels in declaration order), checks the continuous
 * invariants, and goes on — as fast as the CPU allows. Two invariants are built in: no exception
 * escapes a kernel's loop, and no application's {@code start()} stage fails. Blocking application code runs through
 * the loops' {@code offload}, one piece at a time, so no thread scheduling enters the run.
 *
 * <p>Not thread-safe: declare and run on one thread.
 */
public final class Simulation {

  private final long seed;
  private final SplittableRandom random;
  private final List<Network> networks = new ArrayList<>();
  private final Map<String, SimKernel<?>> kernels = new LinkedHashMap<>();
  private final Map<SimKernel<?>, Long> bootAt = new LinkedHashMap<>();
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final Map<String, Invariant> invariants = new LinkedHashMap<>();
  private final Map<String, Invariant> finalChecks = new LinkedHashMap<>();
  private final StringBuilder log = new StringBuilder();
  private FaultSchedule faults = FaultSchedule.NONE;
  private BooleanSupplier stopWhen = () -> false;
  private Duration maxSkew = Duration.ofSeconds(10);
  private long maxDriftPpm = 100;
  private long now;
  private long sequence;
  private boolean ran;
  private SimKernel<?> current; // the kernel whose loop is running, for the report of an exception

  /** A simulation whose every undeclared choice comes from {@code seed}. */
  public Simulation(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  public long seed() {
    return seed;
  }

  /** The simulation's time, in nanoseconds since the start. */
  public long nowNanos() {
    return now;
  }

  /**
   * How far kernels' clocks may be from each other: each new kernel's clock starts at a random
   * offset in {@code [0, maxSkew]} and runs fast or slow by up to {@code maxDriftPpm}. Default 10 s
   * and 100 ppm; applies to kernels declared afterwards.
   */
  public Simulation clocks(Duration maxSkew, long maxDriftPpm) {
    this.maxSkew = maxSkew;
    this.maxDriftPpm = maxDriftPpm;
    return this;
  }

  /** A new switched segment whose every cable has {@code conditions}. */
  public Network network(String name, LinkConditions conditions) {
    Network n = new Network(this, name, conditions, random.split());
    networks.add(n);
    return n;
  }

  /**
   * Declares a kernel on {@code network}, booted at time 0 (or at {@link #bootAt}) with the
   * command line {@code argv}.
   */
  public <C extends KernelComponent> SimKernel<C> kernel(
      String name, Network network, SimKernelFactory<C> factory, String... argv) {
    if (kernels.containsKey(name) || name.equals("simulation")) {
      throw new IllegalArgumentException("kernel names are unique (and not 'simulation'): " + name);
    }
    long offset = maxSkew.isZero() ? 0 : random.nextLong(maxSkew.toNanos() + 1);
    long drift = maxDriftPpm == 0 ? 0 : random.nextLong(-maxDriftPpm, maxDriftPpm + 1);
    SimKernel<C> k = new SimKernel<>(this, name, factory, argv, new SimClock(offset, drift));
    k.connect(network.attach(k, MacAddress.randomLocal(random)));
    kernels.put(name, k);
    bootAt.put(k, 0L);
    return k;
  }

  /** Boots {@code kernel} at {@code at} instead of time 0. */
  public void bootAt(SimKernel<?> kernel, Duration at) {
    bootAt.put(kernel, at.toNanos());
  }

  /** Gives {@code kernel} a blank disk (its {@link SimHost#disk()}). */
  public SimDisk disk(SimKernel<?> kernel, int sectorSize, long sectors, DiskFaults faults) {
    SimDisk d = new SimDisk(kernel.name() + "-disk", sectorSize, sectors, faults, random.split());
    kernel.attachDisk(d);
    return d;
  }

  /** The kernel declared as {@code name}. */
  public SimKernel<?> kernel(String name) {
    SimKernel<?> k = kernels.get(name);
    if (k == null) {
      throw new IllegalArgumentException("no kernel " + name + " in the simulation; there are " + kernels.keySet());
    }
    return k;
  }

  public List<SimKernel<?>> kernels() {
    return List.copyOf(kernels.values());
  }

  public List<Network> networks() {
    return List.copyOf(networks);
  }

  /** Runs {@code action} at simulation time {@code at}, noting {@code what} in the simulation's log. */
  public void at(Duration at, String what, Runnable action) {
    schedule(at.toNanos(), () -> {
      note(what);
      action.run();
    });
  }

  /** Power cut of {@code kernel} at {@code at}. */
  public void crash(SimKernel<?> kernel, Duration at) {
    at(at, "crash " + kernel.name(), () -> crash(kernel));
  }

  /** Boots {@code kernel} again at {@code at}, if it is down then. */
  public void restart(SimKernel<?> kernel, Duration at) {
    at(at, "restart " + kernel.name(), () -> restart(kernel));
  }

  /** Isolates {@code kernels} from the rest, on every network, from {@code at} to {@code healAt}. */
  public void partition(List<String> kernels, Duration at, Duration healAt) {
    new FaultSchedule.Partition(kernels, at, healAt).applyTo(this);
  }

  /** Puts {@code schedule}'s faults on the schedule; the result reports it. */
  public void faults(FaultSchedule schedule) {
    this.faults = schedule;
    schedule.applyTo(this);
  }

  /** Checks {@code invariant} after every step; the run stops at the first violation. */
  public void invariant(String name, Invariant invariant) {
    invariants.put(name, invariant);
  }

  /** Checks {@code invariant} once, when the run ends without an earlier violation. */
  public void finalCheck(String name, Invariant invariant) {
    finalChecks.put(name, invariant);
  }

  /** Ends the run early (and successfully, if the final checks hold) once {@code done} is true. */
  public void stopWhen(BooleanSupplier done) {
    this.stopWhen = done;
  }

  /** Runs until {@code duration} of simulation time has passed, an invariant fails, or {@link #stopWhen}. */
  public SimResult run(Duration duration) {
    if (ran) {
      throw new IllegalStateException("a simulation runs once; build a new one with the same seed to replay");
    }
    ran = true;
    long wallStart = System.nanoTime(); // measures the run only; never reaches a kernel
    long end = duration.toNanos();
    for (Map.Entry<SimKernel<?>, Long> b : bootAt.entrySet()) {
      SimKernel<?> k = b.getKey();
      schedule(b.getValue(), () -> k.boot());
    }
    Optional<SimResult.Violation> violation = Optional.empty();
    long steps = 0;
    int sameTime = 0;
    while (true) {
      long next = events.isEmpty() ? Long.MAX_VALUE : events.peek().at;
      for (SimKernel<?> k : kernels.values()) {
        next = Math.min(next, k.nextWorkAt(now));
      }
      if (next == Pollable.NO_DEADLINE || next > end) {
        now = Math.max(now, end);
        break;
      }
      if (next > now) {
        now = next;
        sameTime = 0;
      } else if (++sameTime > 10_000) {
        violation = Optional.of(new SimResult.Violation("progress", "the simulation keeps finding work at the same time"
            + " (a deadline that stays due, or frames with no delay in a loop)", now));
        break;
      }
      try {
        while (!events.isEmpty() && events.peek().at <= now) {
          events.poll().action.run();
        }
        for (SimKernel<?> k : kernels.values()) {
          current = k;
          k.runAt(now);
        }
        current = null;
      } catch (RuntimeException e) {
        String who = current == null ? "the schedule" : "kernel " + current.name();
        if (current != null) {
          current.log("threw on its loop: " + e);
        }
        violation = Optional.of(new SimResult.Violation("no exception escapes a loop", who + " threw " + stackOf(e), now));
        break;
      }
      steps++;
      violation = failedApplication();
      if (violation.isEmpty()) {
        violation = check(invariants);
      }
      if (violation.isPresent() || stopWhen.getAsBoolean()) {
        break;
      }
    }
    if (violation.isEmpty()) {
      violation = check(finalChecks);
    }
    violation.ifPresent(v -> note("VIOLATION " + v));
    long wall = System.nanoTime() - wallStart;
    Map<String, String> logs = new LinkedHashMap<>();
    logs.put("simulation", log.toString());
    Map<String, byte[]> pcaps = new LinkedHashMap<>();
    for (SimKernel<?> k : kernels.values()) {
      logs.put(k.name(), k.log());
    }
    for (Network n : networks) {
      for (Network.Link l : n.links()) {
        pcaps.put(l.fileName(), l.pcap().bytes());
      }
    }
    return new SimResult(seed, faults, now, violation, logs, pcaps, summary(violation), steps, wall);
  }

  private Optional<SimResult.Violation> check(Map<String, Invariant> checks) {
    for (Map.Entry<String, Invariant> e : checks.entrySet()) {
      Optional<String> v;
      try {
        v = e.getValue().violation();
      } catch (RuntimeException ex) {
        v = Optional.of("the check threw " + stackOf(ex));
      }
      if (v.isPresent()) {
        return Optional.of(new SimResult.Violation(e.getKey(), v.get(), now));
      }
    }
    return Optional.empty();
  }

  /** Built in: an application whose {@code start()} stage failed is a violation. */
  private Optional<SimResult.Violation> failedApplication() {
    for (SimKernel<?> k : kernels.values()) {
      Optional<java.util.concurrent.CompletableFuture<Object>> o = k.outcome();
      if (o.isPresent() && o.get().isCompletedExceptionally()) {
        Throwable t = o.get().exceptionNow();
        k.log("the application failed: " + t);
        return Optional.of(new SimResult.Violation("no application fails", k.name() + ": " + stackOf(t), now));
      }
    }
    return Optional.empty();
  }

  private String summary(Optional<SimResult.Violation> violation) {
    StringBuilder s = new StringBuilder();
    s.append("seed ").append(seed).append(", ").append(seconds(now)).append(" s simulated, ")
        .append(kernels.size()).append(" kernels\n");
    s.append("faults: ").append(faults).append('\n');
    for (Network n : networks) {
      s.append(n.summary()).append('\n');
    }
    for (SimKernel<?> k : kernels.values()) {
      k.disk().ifPresent(d -> s.append(d.summary()).append('\n'));
    }
    s.append(violation.map(v -> "VIOLATION: " + v).orElse("all invariants hold")).append('\n');
    return s.toString();
  }

  void crash(SimKernel<?> kernel) {
    kernel.crash();
  }

  void restart(SimKernel<?> kernel) {
    if (!kernel.isUp()) {
      kernel.boot();
    }
  }

  void isolate(List<String> names) {
    for (String n : names) {
      kernel(n); // fails on a name not declared
    }
    for (Network n : networks) {
      n.isolate(names);
    }
  }

  void healAll() {
    networks.forEach(Network::heal);
  }

  void schedule(long at, Runnable action) {
    events.add(new Event(at, sequence++, action));
  }

  /** A seed for a new consumer (a kernel incarnation's entropy), in the order they are asked for. */
  long drawSeed() {
    return random.nextLong();
  }

  private void note(String what) {
    log.append(seconds(now)).append(' ').append(what).append('\n');
  }

  static String seconds(long nanos) {
    return String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
  }

  /** The exception and its first frames, without the JVM's lambda class names (which differ between JVMs). */
  private static String stackOf(Throwable e) {
    StringBuilder b = new StringBuilder(e.toString());
    int n = 0;
    for (StackTraceElement f : e.getStackTrace()) {
      if (f.getClassName().contains("$$Lambda")) {
        continue;
      }
      b.append("\n    at ").append(f.getClassName()).append('.').append(f.getMethodName()).append(':').append(f.getLineNumber());
      if (++n == 8) {
        break;
      }
    }
    return b.toString();
  }

  private record Event(long at, long sequence, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }
}
