package io.morgana.sim.demo;

import io.morgana.api.Ipv4Address;
import io.morgana.block.RamBlock;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FormatOptions;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.sim.DiskFaults;
import io.morgana.sim.FaultSchedule;
import io.morgana.sim.LinkConditions;
import io.morgana.sim.Network;
import io.morgana.sim.Scenario;
import io.morgana.sim.SimDisk;
import io.morgana.sim.SimHost;
import io.morgana.sim.SimKernel;
import io.morgana.sim.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The demo system: a DHCP server ({@code dhcp}, 192.0.2.1, leases of 30 s kept on its disk), a web
 * server ({@code web}, 192.0.2.2, pages on a FAT disk) and {@code clients} DHCP clients ({@code
 * c01}…) booting at random times in the first 90 s, the first {@code httpClients} of which fetch a
 * page each — all on one segment with loss, reordering, duplication, corruption, jitter and a
 * bandwidth limit. Invariants: no two clients hold the same address (checked after every step);
 * at the end every client holds a lease, every HTTP client has its page, and every page is
 * byte-identical to the file on the web server's disk. The run ends when, after the last fault
 * is over, every client has its lease and page — or at the time limit, where the final checks
 * then fail: a client that never recovers is a liveness failure.
 */
public final class DemoScenario implements Scenario {

  /** The knobs: sizes, the server's bug, the clients' ARP probe, time, link and disk faults. */
  public record Options(
      int clients, int httpClients, boolean forgetLeases, boolean arpProbe, Duration duration, LinkConditions link,
      DiskFaults serverDisk) {

    /** The demo of {@code sim-demo.jar}. */
    public static final Options DEMO = new Options(20, 10, false, true, Duration.ofSeconds(600),
        LinkConditions.PERFECT.withLatency(Duration.ofNanos(200_000), Duration.ofNanos(100_000)).withLoss(0.02)
            .withReordering(0.02).withDuplication(0.005).withCorruption(0.001).withBandwidth(100_000_000),
        new DiskFaults(0.02, 0.5, 0.5));

    public Options withForgetLeases(boolean forget) {
      return new Options(clients, httpClients, forget, arpProbe, duration, link, serverDisk);
    }

    public Options withArpProbe(boolean probe) {
      return new Options(clients, httpClients, forgetLeases, probe, duration, link, serverDisk);
    }

    public Options withClients(int clients, int httpClients) {
      return new Options(clients, httpClients, forgetLeases, arpProbe, duration, link, serverDisk);
    }

    public Options withDuration(Duration duration) {
      return new Options(clients, httpClients, forgetLeases, arpProbe, duration, link, serverDisk);
    }
  }

  static final String SERVER = "dhcp";
  static final String WEB = "web";
  static final String WEB_ADDRESS = "192.0.2.2";

  private final Options options;

  public DemoScenario(Options options) {
    this.options = options;
  }

  public Options options() {
    return options;
  }

  /** The demo's own schedule: the server partitioned off from 20 s to 45 s, crashed at 70 s, back at 73 s. */
  public static FaultSchedule demoFaults() {
    return new FaultSchedule(List.of(
        new FaultSchedule.Partition(List.of(SERVER), Duration.ofSeconds(20), Duration.ofSeconds(45)),
        new FaultSchedule.Crash(SERVER, Duration.ofSeconds(70), Duration.ofSeconds(73))));
  }

  /** One to three faults on the DHCP server: partitions and crashes at random times. */
  @Override
  public FaultSchedule drawFaults(RandomGenerator random) {
    List<FaultSchedule.Fault> faults = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      Duration at = Duration.ofMillis(random.nextLong(5_000, 90_000));
      if (random.nextBoolean()) {
        faults.add(new FaultSchedule.Partition(List.of(SERVER), at, at.plusMillis(random.nextLong(1_000, 30_000))));
      } else {
        faults.add(new FaultSchedule.Crash(SERVER, at, at.plusMillis(random.nextLong(100, 10_000))));
      }
    }
    return new FaultSchedule(faults);
  }

  @Override
  public Duration duration() {
    return options.duration();
  }

  @Override
  public Simulation build(long seed, FaultSchedule faults) {
    Simulation sim = new Simulation(seed);
    RandomGenerator random = new SplittableRandom(seed ^ 0xdead_beefL);
    Network lan = sim.network("lan", options.link());

    List<String> serverArgs = new ArrayList<>(List.of("--ipv4=192.0.2.1/24", "--dhcp-range=192.0.2.100-192.0.2.199",
        "--dhcp-lease-time=30", "--dhcp-max-lease-time=30"));
    if (options.forgetLeases()) {
      serverArgs.add("--forget-leases");
    }
    SimKernel<DhcpServerSim> server =
        sim.kernel(SERVER, lan, DaggerDhcpServerSim.factory()::create, serverArgs.toArray(String[]::new));
    sim.disk(server, 512, 64, options.serverDisk());

    SimKernel<WebServerSim> web = sim.kernel(WEB, lan, DaggerWebServerSim.factory()::create, "--ipv4=" + WEB_ADDRESS + "/24");
    SimDisk webDisk = sim.disk(web, 512, 8192, DiskFaults.NONE);
    Map<String, byte[]> pages = pages(random, options.httpClients());
    webDisk.load(0, fatImage(pages));

    List<SimKernel<ClientSim>> clients = new ArrayList<>();
    for (int i = 1; i <= options.clients(); i++) {
      List<String> args = new ArrayList<>(List.of("--dhcp"));
      if (!options.arpProbe()) {
        args.add("--dhcp-no-probe");
      }
      if (i <= options.httpClients()) {
        args.add("--fetch=" + WEB_ADDRESS + pagePath(i));
      }
      SimKernel<ClientSim> c =
          sim.kernel(String.format("c%02d", i), lan, DaggerClientSim.factory()::create, args.toArray(String[]::new));
      sim.bootAt(c, Duration.ofMillis(random.nextLong(0, 90_000)));
      clients.add(c);
    }
    sim.faults(faults);

    sim.invariant("no two clients hold the same address", () -> {
      Map<Ipv4Address, String> holders = new LinkedHashMap<>();
      for (SimKernel<ClientSim> c : clients) {
        Optional<DhcpLease> l = c.isUp() ? c.component().app().lease() : Optional.empty();
        if (l.isPresent()) {
          String other = holders.put(l.get().address().address(), c.name());
          if (other != null) {
            return Optional.of(other + " and " + c.name() + " both hold " + l.get().address());
          }
        }
      }
      return Optional.empty();
    });
    sim.finalCheck("every client ends with a lease", () -> {
      List<String> without = clients.stream()
          .filter(c -> !c.isUp() || c.component().app().lease().isEmpty()).map(SimKernel::name).toList();
      return without.isEmpty() ? Optional.empty() : Optional.of("no lease at the end: " + without);
    });
    sim.finalCheck("every HTTP client ends with its page", () -> {
      List<String> without = clients.stream()
          .filter(c -> !c.isUp() || c.component().app().path().isPresent() && c.component().app().page().isEmpty())
          .map(SimKernel::name).toList();
      return without.isEmpty() ? Optional.empty() : Optional.of("no page at the end: " + without);
    });
    sim.finalCheck("every page fetched is byte-identical to the disk", () -> {
      Map<String, byte[]> onDisk = filesOn(webDisk.currentImage(), pages.keySet());
      for (SimKernel<ClientSim> c : clients) {
        if (!c.isUp()) {
          continue;
        }
        ClientApp app = c.component().app();
        if (app.path().isPresent() && app.page().isPresent()
            && !Arrays.equals(app.page().get(), onDisk.get(app.path().get()))) {
          return Optional.of(c.name() + " fetched " + app.path().get() + " (" + app.page().get().length
              + " bytes) unlike the disk's (" + onDisk.get(app.path().get()).length + " bytes)");
        }
      }
      return Optional.empty();
    });
    long faultsOver = faults.end().toNanos();
    long lastBoot = Duration.ofSeconds(90).toNanos();
    sim.stopWhen(() -> sim.nowNanos() >= Math.max(faultsOver, lastBoot) && clients.stream().allMatch(c -> c.isUp()
        && c.component().app().lease().isPresent()
        && (c.component().app().path().isEmpty() || c.component().app().page().isPresent())));
    return sim;
  }

  static String pagePath(int client) {
    return client == 1 ? "/index.html" : String.format("/pages/page-%02d.bin", client);
  }

  /** An HTML index and, per other HTTP client, a page of 1–40 KiB of random bytes. */
  private static Map<String, byte[]> pages(RandomGenerator random, int httpClients) {
    Map<String, byte[]> pages = new LinkedHashMap<>();
    StringBuilder index = new StringBuilder("<!doctype html>\n<title>Morgana simulation</title>\n<ul>\n");
    for (int i = 2; i <= httpClients; i++) {
      index.append("<li><a href=\"").append(pagePath(i)).append("\">page ").append(i).append("</a>\n");
    }
    index.append("</ul>\n");
    pages.put(pagePath(1), index.toString().getBytes(StandardCharsets.UTF_8));
    for (int i = 2; i <= httpClients; i++) {
      byte[] b = new byte[1024 + random.nextInt(40 * 1024)];
      random.nextBytes(b);
      pages.put(pagePath(i), b);
    }
    return pages;
  }

  private static final Clock IMAGE_CLOCK = Clock.fixed(SimHost.EPOCH, ZoneOffset.UTC);

  /** A 4 MiB FAT image holding {@code pages}. */
  private static byte[] fatImage(Map<String, byte[]> pages) {
    try (RamBlock disk = RamBlock.create(512, 8192)) {
      FatFileSystem.format(disk, FormatOptions.defaults(), IMAGE_CLOCK);
      try (FatFileSystem fs = FatFileSystem.open(disk, FatFileSystem.Options.defaults().withClock(IMAGE_CLOCK))) {
        fs.mkdirs("/pages");
        for (Map.Entry<String, byte[]> p : pages.entrySet()) {
          fs.write(p.getKey(), p.getValue());
        }
      }
      return disk.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the web server's disk image", e);
    }
  }

  /** The files {@code paths} as they are in the FAT image {@code image}. */
  private static Map<String, byte[]> filesOn(byte[] image, Iterable<String> paths) {
    try (RamBlock disk = RamBlock.copyOf(image, 512);
        FatFileSystem fs = FatFileSystem.open(disk, FatFileSystem.Options.defaults().withClock(IMAGE_CLOCK))) {
      Map<String, byte[]> out = new LinkedHashMap<>();
      for (String p : paths) {
        out.put(p, fs.readAllBytes(p));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the web server's disk", e);
    }
  }
}
