package io.morgana.benchmarks.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.server.DhcpPool;
import io.morgana.net.dhcp.server.DhcpServer;
import io.morgana.net.dhcp.server.LeaseDatabase;
import io.morgana.net.dhcp.server.ServerLease;
import io.morgana.net.dhcp.wire.DhcpMessage;
import io.morgana.net.dhcp.wire.DhcpOptions;
import io.morgana.net.dhcp.wire.DhcpPacket;
import io.morgana.net.dhcp.wire.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Leases per second the DHCP server's state machine sustains: one operation is a whole lease life
 * of one of 1,000 clients in turn — DISCOVER parsed, OFFER emitted, REQUEST parsed, the bindings
 * persisted, ACK emitted, RELEASE parsed and persisted. With {@code database=file} every persist
 * writes the lease file durably and synchronously (temporary file, fsync, rename, directory fsync),
 * which is what a real server's ACK waits for; with {@code memory} it is free (the protocol work
 * alone).
 *
 * <pre>benchmarks/run jmh DhcpServerBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class DhcpServerBenchmark {

  @Param({"memory", "file"})
  public String database;

  static final int CLIENTS = 1_000;
  static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.1");

  private DhcpServer server;
  private final ByteBuf[] discovers = new ByteBuf[CLIENTS];
  private final ByteBuf out = Unpooled.directBuffer(1024);
  private DhcpMessage lastReply;
  private int next;
  private long now;

  @Setup
  public void setUp() throws IOException {
    LeaseDatabase db = database.equals("file")
        ? new LeaseDatabase(Files.createTempDirectory("dhcp-bench").resolve("leases")) : null;
    DhcpPool pool = DhcpPool.of(Ipv4Cidr.parse("192.0.2.1/24"), Ipv4Address.parse("192.0.2.10"), Ipv4Address.parse("192.0.2.250"));
    server = new DhcpServer(pool, new DhcpServer.Host() {
      @Override
      public void send(DhcpMessage reply, Ipv4Address destination, int port, long t) {
        out.clear();
        reply.emit(out);
        lastReply = reply;
      }

      @Override
      public void persist(List<ServerLease> bound, Runnable then) {
        if (db != null) {
          List<LeaseDatabase.Stored> stored = new ArrayList<>(bound.size());
          for (ServerLease l : bound) {
            stored.add(new LeaseDatabase.Stored(l.mac(), l.address(), l.expiresAtNanos() / 1_000_000_000L));
          }
          try {
            db.save(stored);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        then.run();
      }
    }, List.of(), 0);
    for (int i = 0; i < CLIENTS; i++) {
      discovers[i] = encode(MessageType.DISCOVER, mac(i), Ipv4Address.ANY, DhcpOptions.builder().parameterRequestList(1, 3, 6, 51));
    }
  }

  static MacAddress mac(int i) {
    return MacAddress.of(0x0200_0000_0000L + i);
  }

  static ByteBuf encode(MessageType t, MacAddress mac, Ipv4Address ciaddr, DhcpOptions.Builder o) {
    DhcpMessage m = new DhcpMessage(DhcpPacket.BOOTREQUEST, 0, mac.hashCode(), 0, false, ciaddr, Ipv4Address.ANY,
        Ipv4Address.ANY, Ipv4Address.ANY, mac, o.messageType(t).build());
    ByteBuf b = Unpooled.buffer(m.encodedLength());
    m.emit(b);
    return b;
  }

  @Benchmark
  public DhcpMessage leaseLife() throws Exception {
    int i = next;
    next = (next + 1) % CLIENTS;
    now += 1_000_000;
    MacAddress mac = mac(i);
    ByteBuf d = discovers[i];
    server.receive(DhcpMessage.parse(d, d.readerIndex(), d.readableBytes()), now);
    Ipv4Address offered = lastReply.yourAddress();
    ByteBuf r = encode(MessageType.REQUEST, mac, Ipv4Address.ANY, DhcpOptions.builder().requestedAddress(offered).serverId(SERVER));
    server.receive(DhcpMessage.parse(r), now);
    DhcpMessage ack = lastReply;
    ByteBuf rel = encode(MessageType.RELEASE, mac, offered, DhcpOptions.builder().serverId(SERVER));
    server.receive(DhcpMessage.parse(rel), now);
    if (ack.type() != MessageType.ACK) {
      throw new IllegalStateException("no ACK: " + ack);
    }
    return ack;
  }

  /** For a quick look without JMH: {@code java -cp benchmarks.jar io.morgana.benchmarks.dhcp.DhcpServerBenchmark}. */
  public static void main(String[] args) throws Exception {
    for (String kind : new String[] {"memory", "file"}) {
      DhcpServerBenchmark b = new DhcpServerBenchmark();
      b.database = kind;
      b.setUp();
      long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      long n = 0;
      long start = System.nanoTime();
      while (System.nanoTime() < end) {
        b.leaseLife();
        n++;
      }
      System.out.printf("%s: %.0f leases/s%n", kind, n / ((System.nanoTime() - start) / 1e9));
    }
  }

}
