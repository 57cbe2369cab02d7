package io.morgana.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SimulationTest {

  static final Ipv4Address B = Ipv4Address.parse("192.0.2.2");

  /** Two UDP kernels, a and b, on one network; a sends "n" to b every 100 ms from t = 1 s. */
  static Simulation pair(long seed, LinkConditions link, int datagrams) {
    Simulation sim = new Simulation(seed);
    Network lan = sim.network("lan", link);
    SimKernel<UdpNodeSim> a = sim.kernel("a", lan, DaggerUdpNodeSim.factory()::create, "--ipv4=192.0.2.1/24");
    sim.kernel("b", lan, DaggerUdpNodeSim.factory()::create, "--ipv4=192.0.2.2/24");
    for (int i = 0; i < datagrams; i++) {
      String text = Integer.toString(i);
      sim.at(Duration.ofMillis(1000 + 100 * i), "send " + text,
          () -> a.component().udp().write(B, 9, 9, Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)));
    }
    return sim;
  }

  @SuppressWarnings("unchecked")
  static List<String> received(Simulation sim, String kernel) {
    return ((SimKernel<UdpNodeSim>) sim.kernel(kernel)).component().app().received;
  }

  @Test
  void aPerfectLinkDeliversEverythingInOrder() {
    Simulation sim = pair(1, LinkConditions.PERFECT, 20);
    SimResult r = sim.run(Duration.ofSeconds(5));
    assertTrue(r.passed(), r.summary());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add(Integer.toString(i));
    }
    assertEquals(expected, received(sim, "b"));
  }

  @Test
  void aLinkThatLosesEverythingDeliversNothing() {
    Simulation sim = pair(1, LinkConditions.PERFECT.withLoss(1), 10);
    sim.run(Duration.ofSeconds(3));
    assertEquals(List.of(), received(sim, "b"));
  }

  @Test
  void aPartitionCutsTrafficUntilItHeals() {
    Simulation sim = pair(1, LinkConditions.PERFECT, 30);
    // ARP is resolved by the first datagram at 1 s; the partition covers datagrams 5..14.
    sim.partition(List.of("b"), Duration.ofMillis(1450), Duration.ofMillis(2450));
    sim.run(Duration.ofSeconds(5));
    List<String> got = received(sim, "b");
    for (int i = 0; i < 30; i++) {
      assertEquals(i < 5 || i >= 15, got.contains(Integer.toString(i)), "datagram " + i + " in " + got);
    }
  }

  @Test
  void duplicationAndReorderingShowInWhatArrives() {
    Simulation sim = pair(3, LinkConditions.PERFECT.withDuplication(0.3).withReordering(0.5)
        .withLatency(Duration.ofMillis(30), Duration.ofMillis(20)), 60);
    sim.run(Duration.ofSeconds(10));
    List<String> got = received(sim, "b");
    assertTrue(got.size() > 60, "duplicates: " + got.size());
    List<String> sorted = new ArrayList<>(got);
    sorted.sort((x, y) -> Integer.compare(Integer.parseInt(x), Integer.parseInt(y)));
    assertFalse(sorted.equals(got), "reordered: " + got);
  }

  @Test
  void bandwidthSpacesFramesOut() {
    // 1 Mbit/s: a 44-byte frame (2 bytes of UDP payload, no padding) takes 352 µs on the wire; 10
    // datagrams sent at once arrive that far apart.
    Simulation sim = new Simulation(1);
    Network lan = sim.network("lan", LinkConditions.PERFECT.withBandwidth(1_000_000));
    SimKernel<UdpNodeSim> a = sim.kernel("a", lan, DaggerUdpNodeSim.factory()::create, "--ipv4=192.0.2.1/24");
    sim.kernel("b", lan, DaggerUdpNodeSim.factory()::create, "--ipv4=192.0.2.2/24");
    sim.at(Duration.ofSeconds(1), "warm up ARP", () -> a.component().udp().write(B, 9, 9, Unpooled.copiedBuffer("w", StandardCharsets.US_ASCII)));
    sim.at(Duration.ofSeconds(2), "burst", () -> {
      for (int i = 0; i < 10; i++) {
        a.component().udp().write(B, 9, 9, Unpooled.copiedBuffer("b" + i, StandardCharsets.US_ASCII));
      }
    });
    SimResult r = sim.run(Duration.ofSeconds(3));
    List<Long> arrivals = pcapTimes(r.pcaps().get("lan-b.pcap"), 2_000_000_000L, a.link().mac().toString());
    assertEquals(10, arrivals.size());
    for (int i = 1; i < arrivals.size(); i++) {
      assertTrue(arrivals.get(i) - arrivals.get(i - 1) >= 352_000, "spacing " + arrivals);
    }
  }

  /** Timestamps (ns) of the IPv4 frames from {@code sourceMac} in a nanosecond pcap, at or after {@code from}. */
  static List<Long> pcapTimes(byte[] pcap, long from, String sourceMac) {
    ByteBuffer b = ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(PcapRecorder.MAGIC_NANOS, b.getInt(0));
    List<Long> out = new ArrayList<>();
    int pos = 24;
    while (pos < pcap.length) {
      long t = (b.getInt(pos) & 0xffffffffL) * 1_000_000_000L + b.getInt(pos + 4);
      int len = b.getInt(pos + 8);
      String src = io.morgana.api.MacAddress.readFrom(io.netty.buffer.Unpooled.wrappedBuffer(pcap), pos + 16 + 6).toString();
      int type = ((pcap[pos + 16 + 12] & 0xff) << 8) | (pcap[pos + 16 + 13] & 0xff);
      if (t >= from && src.equals(sourceMac) && type == 0x0800) {
        out.add(t);
      }
      pos += 16 + len;
    }
    return out;
  }

  @Test
  void aRestartedKernelSeesExactlyWhatTheDiskKeptAtTheCrash() {
    Simulation sim = new Simulation(7);
    Network lan = sim.network("lan", LinkConditions.PERFECT);
    SimKernel<DiskCounterSim> k = sim.kernel("k", lan, DaggerDiskCounterSim.factory()::create);
    SimDisk disk = sim.disk(k, 512, 8, DiskFaults.NONE);
    AtomicReference<DiskCounterSim.Counter> before = new AtomicReference<>();
    AtomicReference<byte[]> imageAfterCrash = new AtomicReference<>();
    // 1.05 s: ten bumps done (1..10), the last flushed one is 10; make it odd with one more write.
    sim.at(Duration.ofMillis(1150), "look before the crash", () -> before.set(k.component().app()));
    sim.crash(k, Duration.ofMillis(1150));
    sim.at(Duration.ofMillis(1150), "look at the disk", () -> imageAfterCrash.set(disk.currentImage()));
    sim.restart(k, Duration.ofMillis(2000));
    SimResult r = sim.run(Duration.ofMillis(2050));
    assertTrue(r.passed(), r.summary());

    DiskCounterSim.Counter old = before.get();
    assertTrue(old.written > old.flushed, "the crash came with an unflushed write: " + old.written + " > " + old.flushed);
    long onDisk = ByteBuffer.wrap(imageAfterCrash.get()).getLong(0);
    assertEquals(old.flushed, onDisk);
    assertEquals(old.flushed, k.component().app().restored);
    assertEquals(2, k.boots());
    assertTrue(r.logs().get("k").contains("restart (incarnation 1)"), r.logs().get("k"));
  }

  @Test
  void anExceptionEscapingAKernelsLoopIsAViolation() {
    Simulation sim = pair(1, LinkConditions.PERFECT, 0);
    @SuppressWarnings("unchecked")
    SimKernel<UdpNodeSim> a = (SimKernel<UdpNodeSim>) sim.kernel("a");
    sim.at(Duration.ofSeconds(1), "break a", () -> a.component().udp().listen(9, (s, sp, d, dp, p) -> {}));
    SimResult r = sim.run(Duration.ofSeconds(2));
    assertEquals("no exception escapes a loop", r.violation().orElseThrow().invariant());
  }

  @Test
  void aFailedApplicationIsAViolation() {
    Simulation sim = new Simulation(1);
    Network lan = sim.network("lan", LinkConditions.PERFECT);
    sim.kernel("k", lan, (args, loop, lifecycle, host) -> new io.morgana.runtime.KernelComponent() {
      @Override
      public java.util.Set<io.morgana.runtime.BootKey<?>> bootKeys() {
        return java.util.Set.of();
      }

      @Override
      public io.morgana.runtime.Application application() {
        return () -> java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("cannot start"));
      }
    });
    SimResult r = sim.run(Duration.ofSeconds(1));
    SimResult.Violation v = r.violation().orElseThrow();
    assertEquals("no application fails", v.invariant());
    assertTrue(v.message().startsWith("k: java.io.IOException: cannot start"), v.message());
  }

  @Test
  void aKernelThatCannotBeBuiltStopsTheRunWithTheReason() {
    Simulation sim = new Simulation(1);
    Network lan = sim.network("lan", LinkConditions.PERFECT);
    sim.kernel("k", lan, DaggerDiskCounterSim.factory()::create); // the counter needs a disk; none declared
    SimResult r = sim.run(Duration.ofSeconds(1));
    assertTrue(r.violation().orElseThrow().message().contains("kernel k has no disk"), r.violation().get().message());
  }

  @Test
  void aContinuousInvariantStopsTheRunWhereItFails() {
    Simulation sim = pair(1, LinkConditions.PERFECT, 10);
    sim.invariant("b receives fewer than 5", () -> received(sim, "b").size() < 5
        ? Optional.empty() : Optional.of(received(sim, "b").size() + " received"));
    SimResult r = sim.run(Duration.ofSeconds(5));
    SimResult.Violation v = r.violation().orElseThrow();
    assertEquals("b receives fewer than 5", v.invariant());
    assertTrue(v.atNanos() > 1_400_000_000L && v.atNanos() < 1_500_000_000L, "at " + v.atNanos());
  }
}
