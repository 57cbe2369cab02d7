package io.morgana.sim;

import io.morgana.api.Block;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArgumentException;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.Entropy;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.runtime.Pollable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One machine of a {@link Simulation}: a kernel's component, booted on a {@link
 * DeterministicLoop} over the machine's own {@link SimClock}, with a cable to a {@link Network}
 * and optionally a {@link SimDisk}. It can crash (its loop stops dead — nothing is closed or
 * flushed — its card goes dark and its disk loses what was not flushed) and restart (a new
 * incarnation of the same component on the same cable and disk, with fresh entropy from the
 * simulation's seed).
 *
 * @param <C> the component
 */
public final class SimKernel<C extends KernelComponent> {

  private final Simulation sim;
  private final String name;
  private final SimKernelFactory<C> factory;
  private final String[] argv;
  private final SimClock clock;
  private final StringBuilder log = new StringBuilder();
  private Network.Link link;
  private SimDisk disk;
  private Incarnation<C> current;
  private int incarnations;
  private long boots;
  private long crashes;

  SimKernel(Simulation sim, String name, SimKernelFactory<C> factory, String[] argv, SimClock clock) {
    this.sim = sim;
    this.name = name;
    this.factory = factory;
    this.argv = argv.clone();
    this.clock = clock;
  }

  /** A running incarnation: its loop, lifecycle, component and how its application ended. */
  private record Incarnation<C>(
      DeterministicLoop loop, Lifecycle lifecycle, C component, SimNetif netif, CompletableFuture<Object> outcome) {}

  public String name() {
    return name;
  }

  public SimClock clock() {
    return clock;
  }

  /** The cable to the network. */
  public Network.Link link() {
    return link;
  }

  /** The disk, if the kernel has one. */
  public Optional<SimDisk> disk() {
    return Optional.ofNullable(disk);
  }

  /** Whether an incarnation is running (booted and not crashed). */
  public boolean isUp() {
    return current != null;
  }

  /**
   * The running incarnation's component (ask it for what the invariants need).
   *
   * @throws IllegalStateException if the kernel is down
   */
  public C component() {
    if (current == null) {
      throw new IllegalStateException(name + " is down");
    }
    return current.component;
  }

  /** How the running incarnation's application ended, if it did; empty while it runs or when down. */
  public Optional<CompletableFuture<Object>> outcome() {
    return current == null || !current.outcome.isDone() ? Optional.empty() : Optional.of(current.outcome);
  }

  /** Boots so far (1 + restarts). */
  public long boots() {
    return boots;
  }

  public long crashes() {
    return crashes;
  }

  /** The kernel's log so far: the simulation's events and what the kernel logged through {@link SimHost#log}. */
  public String log() {
    return log.toString();
  }

  void log(String message) {
    long t = sim.nowNanos();
    log.append(String.format("%d.%09d %s%n", t / 1_000_000_000L, t % 1_000_000_000L, message));
  }

  void connect(Network.Link link) {
    this.link = link;
  }

  void attachDisk(SimDisk disk) {
    this.disk = disk;
  }

  /** Builds and starts a new incarnation at the simulation's current time. */
  void boot() {
    if (current != null) {
      throw new IllegalStateException(name + " is already up");
    }
    int n = incarnations++;
    clock.setSimTime(sim.nowNanos());
    DeterministicLoop loop = new DeterministicLoop(clock, Entropy.seeded(sim.drawSeed()));
    Lifecycle lifecycle = new Lifecycle();
    SimNetif netif = new SimNetif(link, loop);
    Block block = disk == null ? null : disk.attach();
    SimHost host = new SimHost(this, netif, block, n);
    C component;
    BootArguments arguments;
    try {
      SimHost probe = new SimHost(this, null, null, n);
      List<BootKey<?>> keys = Kernel.bootKeys((a, l, lc) -> factory.create(a, l, lc, probe));
      arguments = BootArguments.parse(keys, argv);
      component = factory.create(arguments, loop, lifecycle, host);
    } catch (BootArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException(name + ": the kernel factory failed: " + e, e);
    }
    link.plug(netif);
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    current = new Incarnation<>(loop, lifecycle, component, netif, outcome);
    boots++;
    log(n == 0 ? "boot" : "restart (incarnation " + n + ")");
    Application application;
    try {
      application = component.application();
    } catch (RuntimeException e) {
      throw new IllegalStateException(name + ": the kernel could not build its application: " + e, e);
    }
    loop.execute(() -> {
      try {
        application.start().whenComplete((value, failure) -> {
          if (failure != null) {
            outcome.completeExceptionally(
                failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
          } else {
            outcome.complete(value);
          }
        });
      } catch (Exception e) {
        outcome.completeExceptionally(e);
      }
    });
  }

  /**
   * Power cut: the loop is dropped where it stands (nothing closes, nothing is flushed), the card
   * goes dark, and the disk keeps what it had made durable.
   */
  void crash() {
    if (current == null) {
      return;
    }
    current.netif.kill();
    link.plug(null);
    crashes++;
    String diskReport = "";
    if (disk != null) {
      SimDisk.CrashReport r = disk.crash();
      diskReport = "; disk: " + r.unsyncedWrites() + " unsynced write(s), " + r.landed() + " landed (" + r.torn()
          + " torn), " + r.lost() + " lost";
    }
    current = null;
    log("crash" + diskReport);
  }

  /** Runs the loop at simulation time {@code t} until idle. */
  void runAt(long t) {
    if (current == null) {
      return;
    }
    clock.setSimTime(t);
    current.loop.runUntilIdle();
  }

  /** The simulation time at which the running incarnation next has work, or {@link Pollable#NO_DEADLINE}. */
  long nextWorkAt(long now) {
    if (current == null) {
      return Pollable.NO_DEADLINE;
    }
    if (current.netif.hasInput()) {
      return now;
    }
    long local = current.loop.nextDeadlineNanos();
    if (local == Pollable.NO_DEADLINE) {
      return Pollable.NO_DEADLINE;
    }
    return clock.simTimeOf(local, now);
  }

  @Override
  public String toString() {
    return "SimKernel[" + name + (current == null ? ", down" : "") + "]";
  }
}
