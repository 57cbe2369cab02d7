package io.morgana.benchmarks.net;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A UDP echo load generator: keeps {@code --window} datagrams of {@code --size} bytes in flight
 * to {@code --target}:{@code --port}, counts the echoes that come back with a sequence number it
 * sent, and prints echoes per second over {@code --seconds} (after {@code --warmup} seconds).
 *
 * <p>A datagram not echoed within {@code --timeout-ms} counts as lost and the window is refilled.
 * Output is one line of {@code key=value} pairs for {@code benchmarks/net/run.sh}:
 *
 * <pre>echoes=123456 seconds=5.000 rate=24691 lost=0 window=16 size=64</pre>
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.morgana.benchmarks.net.UdpEchoLoad --target=192.0.2.2
 * [--port=7] [--size=64] [--window=16] [--seconds=5] [--warmup=1] [--timeout-ms=200]}
 */
public final class UdpEchoLoad {

  private UdpEchoLoad() {}

  public static void main(String[] args) throws Exception {
    String target = null;
    int port = 7;
    int size = 64;
    int window = 16;
    double seconds = 5;
    double warmup = 1;
    int timeoutMs = 200;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        usage("not key=value: " + a);
      }
      switch (kv[0]) {
        case "--target" -> target = kv[1];
        case "--port" -> port = Integer.parseInt(kv[1]);
        case "--size" -> size = Integer.parseInt(kv[1]);
        case "--window" -> window = Integer.parseInt(kv[1]);
        case "--seconds" -> seconds = Double.parseDouble(kv[1]);
        case "--warmup" -> warmup = Double.parseDouble(kv[1]);
        case "--timeout-ms" -> timeoutMs = Integer.parseInt(kv[1]);
        default -> usage("unknown option " + kv[0]);
      }
    }
    if (target == null) {
      usage("--target is required");
    }
    if (size < 8) {
      usage("--size must be at least 8 (the sequence number)");
    }
    Result warm = run(InetAddress.getByName(target), port, size, window, warmup, timeoutMs);
    Result r = run(InetAddress.getByName(target), port, size, window, seconds, timeoutMs);
    System.out.printf(
        "echoes=%d seconds=%.3f rate=%.0f lost=%d window=%d size=%d warmup_echoes=%d%n",
        r.echoes, r.seconds, r.echoes / r.seconds, r.lost, window, size, warm.echoes);
  }

  private record Result(long echoes, long lost, double seconds) {}

  private static Result run(
      InetAddress target, int port, int size, int window, double seconds, int timeoutMs)
      throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(new InetSocketAddress(target, port));
      socket.setSoTimeout(timeoutMs);
      byte[] out = new byte[size];
      byte[] in = new byte[Math.max(size, 2048)];
      ByteBuffer outView = ByteBuffer.wrap(out);
      ByteBuffer inView = ByteBuffer.wrap(in);
      DatagramPacket sendPacket = new DatagramPacket(out, size);
      DatagramPacket receivePacket = new DatagramPacket(in, in.length);
      long nextSeq = 0;
      long lowestOutstanding = 0; // echoes below this are stale (from a window given up)
      long echoes = 0;
      long lost = 0;
      int inFlight = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      while (true) {
        while (inFlight < window) {
          outView.putLong(0, nextSeq++);
          socket.send(sendPacket);
          inFlight++;
        }
        if (System.nanoTime() >= end) {
          break;
        }
        try {
          receivePacket.setLength(in.length);
          socket.receive(receivePacket);
        } catch (SocketTimeoutException e) {
          lost += inFlight;
          inFlight = 0;
          lowestOutstanding = nextSeq;
          continue;
        }
        if (receivePacket.getLength() != size) {
          continue;
        }
        long seq = inView.getLong(0);
        if (seq >= lowestOutstanding && seq < nextSeq) {
          echoes++;
          inFlight--;
        }
      }
      return new Result(echoes, lost, (System.nanoTime() - start) / 1e9);
    }
  }

  private static void usage(String problem) {
    System.err.println(
        problem
            + "\nusage: UdpEchoLoad --target=ADDRESS [--port=7] [--size=64] [--window=16]"
            + " [--seconds=5] [--warmup=1] [--timeout-ms=200]");
    System.exit(2);
  }
}
