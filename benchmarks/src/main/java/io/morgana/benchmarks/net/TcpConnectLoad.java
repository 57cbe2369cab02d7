package io.morgana.benchmarks.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP connection-rate load: {@code --threads} platform threads each open a connection to
 * {@code --target}:{@code --port}, close it at once (a FIN from this side: the three-way
 * handshake and an orderly close) and open the next, for {@code --seconds} after {@code --warmup}
 * seconds. Prints connections per second as one line of {@code key=value} pairs for
 * {@code benchmarks/tcp/run.sh}:
 *
 * <pre>connections=12345 seconds=5.000 rate=2469 failed=0 threads=4</pre>
 *
 * <p>A connect that fails or takes longer than {@code --timeout-ms} counts as failed. The client
 * closes first, so its side keeps the TIME-WAIT: run it where {@code net.ipv4.tcp_tw_reuse=1}
 * and a wide {@code ip_local_port_range} let ports be reused.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.morgana.benchmarks.net.TcpConnectLoad
 * --target=192.0.2.2 [--port=9] [--threads=4] [--seconds=5] [--warmup=1] [--timeout-ms=1000]}
 */
public final class TcpConnectLoad {

  private TcpConnectLoad() {}

  public static void main(String[] args) throws Exception {
    String target = null;
    int port = 9;
    int threads = 4;
    double seconds = 5;
    double warmup = 1;
    int timeoutMs = 1000;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        usage("not key=value: " + a);
      }
      switch (kv[0]) {
        case "--target" -> target = kv[1];
        case "--port" -> port = Integer.parseInt(kv[1]);
        case "--threads" -> threads = Integer.parseInt(kv[1]);
        case "--seconds" -> seconds = Double.parseDouble(kv[1]);
        case "--warmup" -> warmup = Double.parseDouble(kv[1]);
        case "--timeout-ms" -> timeoutMs = Integer.parseInt(kv[1]);
        default -> usage("unknown option " + kv[0]);
      }
    }
    if (target == null) {
      usage("--target is required");
    }
    InetSocketAddress address = new InetSocketAddress(target, port);
    run(address, threads, warmup, timeoutMs);
    Result r = run(address, threads, seconds, timeoutMs);
    System.out.printf("connections=%d seconds=%.3f rate=%.0f failed=%d threads=%d%n",
        r.connections, r.seconds, r.connections / r.seconds, r.failed, threads);
  }

  private record Result(long connections, long failed, double seconds) {}

  private static Result run(InetSocketAddress address, int threads, double seconds, int timeoutMs)
      throws InterruptedException {
    AtomicLong connections = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      workers.add(Thread.ofPlatform().start(() -> {
        while (System.nanoTime() < end) {
          try (Socket s = new Socket()) {
            s.connect(address, timeoutMs);
            connections.incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : workers) {
      t.join();
    }
    return new Result(connections.get(), failed.get(), (System.nanoTime() - start) / 1e9);
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: TcpConnectLoad --target=ADDR [--port=9] [--threads=4] [--seconds=5]"
        + " [--warmup=1] [--timeout-ms=1000]");
    System.exit(2);
  }
}
