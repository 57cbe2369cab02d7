package io.morgana.benchmarks.fuzz;

import io.morgana.api.Icmp;
import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.benchmarks.net.SyncLoop;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpipStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Issue 8's long fuzz run, a whole-process benchmark: two of Morgana's stacks on an in-memory
 * wire — the target (192.0.2.2, the echo kernel's stack with an RFC 862 echo service written as
 * {@code EchoServer} is) and a peer (192.0.2.1) — exchange real traffic first: ARP, pings of 56 to
 * 65,000 bytes (fragmented), UDP echoes of 0 to 65,507 bytes, datagrams to closed ports (ICMP
 * errors both ways), broadcasts. Every frame is recorded. Then {@code --frames} mutants of the
 * recorded frames ({@link Mutator}) are pushed into the target alone, in virtual time (100 µs
 * per frame), its own sends counted and dropped. At the end the peer re-announces itself and
 * checks that the target still answers pings and UDP echoes, small and fragmented.
 *
 * <pre>java -Xmx64m -cp benchmarks/target/benchmarks.jar io.morgana.benchmarks.fuzz.StackFuzz
 *     [--frames=1000000] [--seed=N|random]</pre>
 *
 * Prints markdown: the run, memory before and after (heap after GC, Netty pooled direct memory
 * and buffers in use), the health checks, every non-zero counter of the target, the mutations
 * applied. Exit status 0 if every health check passed and nothing escaped the stack, 1 otherwise.
 */
public final class StackFuzz {

  static final MacAddress TARGET_MAC = MacAddress.parse("02:00:5e:10:00:02");
  static final MacAddress PEER_MAC = MacAddress.parse("02:00:5e:10:00:01");
  static final Ipv4Address TARGET = Ipv4Address.parse("192.0.2.2");
  static final Ipv4Address PEER = Ipv4Address.parse("192.0.2.1");
  static final int ECHO_PORT = 7;
  static final int PEER_PORT = 5000;
  static final long NANOS_PER_FRAME = TimeUnit.MICROSECONDS.toNanos(100);

  private final SyncLoop loop = new SyncLoop();
  private final WireNetif targetNetif = new WireNetif(TARGET_MAC, loop);
  private final WireNetif peerNetif = new WireNetif(PEER_MAC, loop);
  private final TcpipStack target;
  private final TcpipStack peer;
  private final List<byte[]> corpus = new ArrayList<>();
  private byte[] peerArpRequest;
  private boolean recording = true;
  private long echoed;
  private final Map<Integer, Integer> peerUdpReplies = new LinkedHashMap<>();
  private final Map<Integer, Integer> peerPingReplies = new LinkedHashMap<>();

  private StackFuzz() {
    target = new TcpipStack(targetNetif, loop, Ipv4Config.of("192.0.2.2/24", "192.0.2.1"));
    peer = new TcpipStack(peerNetif, loop, Ipv4Config.of("192.0.2.1/24", null));
    target.udp().listen(ECHO_PORT, (src, sport, dst, dport, payload) -> {
      if (target.udp().write(src, sport, ECHO_PORT, payload.retainedDuplicate())) {
        echoed++;
      }
    });
    peer.udp().listen(PEER_PORT, (src, sport, dst, dport, payload) ->
        peerUdpReplies.merge(payload.readableBytes(), 1, Integer::sum));
    peer.icmp().listen((src, type, code, body) -> {
      if (type == Icmp.TYPE_ECHO_REPLY) {
        peerPingReplies.merge(body.readableBytes() - 4, 1, Integer::sum);
      }
    });
  }

  public static void main(String[] args) {
    long frames = 1_000_000;
    long seed = 0x5eed_f022L;
    for (String a : args) {
      if (a.startsWith("--frames=")) {
        frames = Long.parseLong(a.substring(9).replace("_", ""));
      } else if (a.equals("--seed=random")) {
        seed = new SplittableRandom().nextLong();
      } else if (a.startsWith("--seed=")) {
        seed = Long.decode(a.substring(7));
      } else {
        System.err.println("usage: StackFuzz [--frames=N] [--seed=N|random]");
        System.exit(2);
      }
    }
    System.exit(new StackFuzz().run(frames, seed) ? 0 : 1);
  }

  // --- the wire ---------------------------------------------------------------------------------

  /** Carries frames both ways until both sides are quiet, recording them while {@link #recording}. */
  private void pump() {
    for (int guard = 0; guard < 1_000_000; guard++) {
      loop.pollUntilIdle();
      byte[] f = peerNetif.written.poll();
      if (f != null) {
        record(f);
        targetNetif.inject(f);
        continue;
      }
      f = targetNetif.written.poll();
      if (f != null) {
        record(f);
        peerNetif.inject(f);
        continue;
      }
      return;
    }
    throw new IllegalStateException("the two stacks never went quiet");
  }

  private void record(byte[] f) {
    if (recording) {
      boolean toPeer = Mutator.isIpv4(f) && java.util.Arrays.equals(f, 0, 6, PEER_MAC.toBytes(), 0, 6);
      corpus.add(toPeer ? reflect(f) : f);
      if (peerArpRequest == null && Mutator.isArp(f) && f[6] == PEER_MAC.toBytes()[0]
          && java.util.Arrays.equals(f, 6, 12, PEER_MAC.toBytes(), 0, 6) && f[21] == 1) {
        peerArpRequest = f.clone();
      }
    }
  }

  /**
   * A frame the target sent to the peer, turned round: Ethernet and IPv4 addresses swapped (the
   * UDP and ICMP checksums stay right: their sums do not depend on the order of the addresses),
   * so that what the target says (echo replies, ICMP errors, fragments) comes back to it.
   */
  private static byte[] reflect(byte[] f) {
    byte[] g = f.clone();
    System.arraycopy(f, 0, g, 6, 6);
    System.arraycopy(f, 6, g, 0, 6);
    System.arraycopy(f, Mutator.ETH + 12, g, Mutator.ETH + 16, 4);
    System.arraycopy(f, Mutator.ETH + 16, g, Mutator.ETH + 12, 4);
    return g;
  }

  private void tick(long nanos) {
    loop.advance(nanos);
    pump();
  }

  private static ByteBuf bytes(int n, int salt) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + salt);
    }
    return Unpooled.wrappedBuffer(b);
  }

  private static ByteBuf echoBody(int id, int seq, int n) {
    ByteBuf b = Unpooled.buffer(4 + n);
    b.writeShort(id).writeShort(seq).writeBytes(bytes(n, seq));
    return b;
  }

  // --- phase 1: real traffic --------------------------------------------------------------------

  private void recordTraffic() {
    pump(); // announcements
    int seq = 1;
    for (int round = 0; round < 2; round++) {
      for (int size : new int[] {56, 1000, 1472, 4000, 30_000, 65_000}) {
        peer.icmp().write(TARGET, Icmp.TYPE_ECHO_REQUEST, 0, echoBody(0x1234, seq++, size));
        tick(1_000_000);
      }
      for (int size : new int[] {0, 1, 18, 512, 1472, 1473, 3000, 8000, 65_507}) {
        peer.udp().write(TARGET, ECHO_PORT, PEER_PORT, bytes(size, size));
        tick(1_000_000);
      }
      for (int size : new int[] {10, 3000}) {
        peer.udp().write(TARGET, 9, PEER_PORT, bytes(size, 9)); // closed: port unreachable
        tick(1_000_000);
        target.udp().write(PEER, 9, ECHO_PORT, bytes(size, 10)); // closed at the peer: one back
        tick(1_000_000);
      }
      peer.udp().write(Ipv4Address.parse("192.0.2.255"), ECHO_PORT, PEER_PORT, bytes(32, 1));
      peer.udp().write(Ipv4Address.BROADCAST, ECHO_PORT, PEER_PORT, bytes(32, 2));
      tick(1_000_000);
      for (int size : new int[] {56, 2000}) {
        target.icmp().write(PEER, Icmp.TYPE_ECHO_REQUEST, 0, echoBody(0x4321, seq++, size));
        tick(1_000_000);
      }
      peer.icmp().write(Ipv4Address.parse("192.0.2.99"), Icmp.TYPE_ECHO_REQUEST, 0, echoBody(1, seq++, 8));
      tick(TimeUnit.SECONDS.toNanos(2)); // ARP requests for a host that is not there; buckets refill
    }
  }

  // --- phase 3: health --------------------------------------------------------------------------

  private final Map<String, String> health = new LinkedHashMap<>();

  private boolean check(String name, Runnable send, Map<Integer, Integer> replies, int key) {
    int before = replies.getOrDefault(key, 0);
    send.run();
    for (int i = 0; i < 20; i++) {
      tick(1_000_000);
    }
    boolean ok = replies.getOrDefault(key, 0) > before;
    health.put(name, ok ? "ok" : "**FAILED**");
    return ok;
  }

  private boolean healthChecks(String when) {
    targetNetif.keep = true;
    targetNetif.written.clear();
    if (peerArpRequest != null) {
      targetNetif.inject(peerArpRequest); // the peer re-announces itself after the attack
    }
    pump();
    int seq = 60_000;
    boolean ok = true;
    ok &= check("ping 56 B " + when, () -> peer.icmp().write(TARGET, Icmp.TYPE_ECHO_REQUEST, 0,
        echoBody(0x7777, 1, 56)), peerPingReplies, 56);
    ok &= check("UDP echo 100 B " + when, () -> peer.udp().write(TARGET, ECHO_PORT, PEER_PORT, bytes(100, 3)),
        peerUdpReplies, 100);
    ok &= check("ping 4,000 B (3 fragments) " + when, () -> peer.icmp().write(TARGET, Icmp.TYPE_ECHO_REQUEST, 0,
        echoBody(0x7777, 2, 4000)), peerPingReplies, 4000);
    ok &= check("UDP echo 8,000 B (6 fragments) " + when,
        () -> peer.udp().write(TARGET, ECHO_PORT, PEER_PORT, bytes(8000, 4)), peerUdpReplies, 8000);
    return ok;
  }

  // --- the run ----------------------------------------------------------------------------------

  private record Memory(long heap, long direct, long active) {}

  private static Memory memory() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    PooledByteBufAllocatorMetric m = PooledByteBufAllocator.DEFAULT.metric();
    long active = 0;
    for (PoolArenaMetric a : m.directArenas()) {
      active += a.numActiveAllocations();
    }
    return new Memory(heap, m.usedDirectMemory(), active);
  }

  private boolean run(long frames, long seed) {
    recordTraffic();
    recording = false;
    TcpipStats afterRecording = target.stats();
    Memory before = memory();
    SplittableRandom random = new SplittableRandom(seed);
    Mutator mutator = new Mutator(random, corpus);
    targetNetif.keep = false; // the target's answers are counted, not delivered
    long escaped = 0;
    String firstEscape = null;
    long txBefore = targetNetif.txFrames;
    long start = System.nanoTime();
    for (long i = 0; i < frames; i++) {
      byte[] f = mutator.next();
      try {
        targetNetif.inject(f);
        if ((i & 63) == 0) {
          loop.advance(64 * NANOS_PER_FRAME);
          loop.pollUntilIdle();
        }
      } catch (Throwable e) {
        escaped++;
        if (firstEscape == null) {
          firstEscape = e.toString();
        }
        if (e instanceof Error && !(e instanceof AssertionError)) {
          System.out.println("fatal after " + i + " frames (seed " + seed + "): " + e);
          break;
        }
      }
    }
    long wall = System.nanoTime() - start;
    long sent = targetNetif.txFrames - txBefore;
    Memory after = memory();
    TcpipStats fuzzed = target.stats();

    boolean healthy = healthChecks("right after");
    boolean healthyLater = true;
    if (!healthy) {
      loop.advance(TimeUnit.SECONDS.toNanos(61));
      loop.pollUntilIdle();
      healthyLater = healthChecks("after 61 s more");
    }
    peer.close();
    target.close();
    peerNetif.close();
    targetNetif.close();
    Memory closed = memory();

    double seconds = wall / 1e9;
    System.out.printf(Locale.ROOT, "Fuzzing Morgana's stack in-process, seed %d (0x%x), %d CPUs, %s%n%n",
        seed, seed, Runtime.getRuntime().availableProcessors(), Runtime.version());
    System.out.println("| run | value |");
    System.out.println("|---|---:|");
    row("recorded frames (corpus)", corpus.size());
    row("mutated frames injected", frames);
    System.out.printf(Locale.ROOT, "| wall time, s | %.1f |%n", seconds);
    System.out.printf(Locale.ROOT, "| frames/s | %,.0f |%n", frames / seconds);
    row("virtual time, s", (long) (frames * NANOS_PER_FRAME / 1e9));
    row("frames the target sent in reply", sent);
    row("receive buffers the stack kept (copied on)", targetNetif.rxRetained);
    row("exceptions escaping the stack", escaped);
    if (firstEscape != null) {
      System.out.println("| first escape | `" + firstEscape + "` |");
    }
    System.out.println();
    System.out.println("| memory | before fuzzing | after fuzzing | after closing the stacks |");
    System.out.println("|---|---:|---:|---:|");
    System.out.printf(Locale.ROOT, "| heap used after GC, MiB | %.1f | %.1f | %.1f |%n",
        before.heap / 1048576.0, after.heap / 1048576.0, closed.heap / 1048576.0);
    System.out.printf(Locale.ROOT, "| Netty pooled direct memory in use, KiB | %,d | %,d | %,d |%n",
        before.direct / 1024, after.direct / 1024, closed.direct / 1024);
    System.out.printf(Locale.ROOT, "| pooled direct buffers outstanding | %,d | %,d | %,d |%n",
        before.active, after.active, closed.active);
    System.out.println();
    System.out.println("| health check (peer re-ARPs, then asks) | result |");
    System.out.println("|---|---|");
    health.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
    System.out.println();
    System.out.println("| target counter (fuzz phase only) | value |");
    System.out.println("|---|---:|");
    for (Map.Entry<String, Long> e : fuzzed.nonZero().entrySet()) {
      long v = e.getValue() - afterRecording.nonZero().getOrDefault(e.getKey(), 0L);
      if (v != 0) {
        System.out.printf(Locale.ROOT, "| %s | %,d |%n", e.getKey(), v);
      }
    }
    System.out.println();
    System.out.println("| mutation (1–3 per frame) | applied |");
    System.out.println("|---|---:|");
    for (Mutator.Kind k : Mutator.Kind.values()) {
      System.out.printf(Locale.ROOT, "| %s | %,d |%n", k, mutator.counts[k.ordinal()]);
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "Echo service answered %,d datagrams in all. Reproduce: `--frames=%d --seed=%d`.%n",
        echoed, frames, seed);
    return escaped == 0 && (healthy || healthyLater);
  }

  private static void row(String name, long value) {
    System.out.printf(Locale.ROOT, "| %s | %,d |%n", name, value);
  }
}
