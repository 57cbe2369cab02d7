package io.morgana.sim;

import io.morgana.api.Block;
import io.morgana.api.Netif;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The simulated machine one incarnation of a kernel runs on: its network card, its disk, a wall
 * clock and a log. A kernel's component takes it with {@code @BindsInstance} and lists {@link
 * SimDevicesModule}, which binds {@link Netif}, {@link Block} and {@link Clock} from it — the
 * simulation counterpart of {@code TapNetifModule} and {@code FileBlockModule}.
 */
public final class SimHost {

  /** What every simulated wall clock reads at local time 0: 2026-01-01T00:00:00Z. */
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final SimKernel<?> kernel;
  private final SimNetif netif;
  private final Block disk;
  private final int incarnation;

  SimHost(SimKernel<?> kernel, SimNetif netif, Block disk, int incarnation) {
    this.kernel = kernel;
    this.netif = netif;
    this.disk = disk;
    this.incarnation = incarnation;
  }

  /** The kernel's name in the simulation. */
  public String name() {
    return kernel.name();
  }

  /** 0 for the first boot, then one more per restart. */
  public int incarnation() {
    return incarnation;
  }

  /** The network card. */
  public Netif netif() {
    return netif;
  }

  /**
   * The disk.
   *
   * @throws IllegalStateException if the kernel was declared without one
   */
  public Block disk() {
    if (disk == null) {
      throw new IllegalStateException("kernel " + name() + " has no disk: declare one with Simulation.kernel(...).disk(...)");
    }
    return disk;
  }

  /** A wall clock that follows the kernel's own (skewed, drifting) clock from {@link #EPOCH}. */
  public Clock wallClock() {
    SimClock c = kernel.clock();
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException("a simulated wall clock is in UTC");
      }

      @Override
      public Instant instant() {
        return EPOCH.plusNanos(c.nanoTime());
      }
    };
  }

  /** Appends a line to the kernel's log, stamped with the simulation's time. */
  public void log(String message) {
    kernel.log(message);
  }
}
