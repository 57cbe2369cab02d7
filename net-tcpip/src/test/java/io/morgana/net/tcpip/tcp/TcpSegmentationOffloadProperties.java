package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Offloads;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The TSO sender over any device limit, MSS, peer window and amount of data (jqwik; the seed of a
 * failure is printed and replayable): every segment stays within the peer's window and within
 * what the device takes, carries whole MSS but for the end of the data, asks the device to cut
 * exactly the segments above one MSS, leaves the checksum partial exactly when the device offers
 * it, and the data arrives once, in order.
 */
class TcpSegmentationOffloadProperties {

  private static final int PEER_ISS = 1_000_000;

  @Property(tries = 200)
  void segmentsRespectWindowDeviceAndMss_andTheDataArrivesWhole(
      @ForAll @IntRange(min = 536, max = 1460) int mss,
      @ForAll @IntRange(min = 0, max = 65_455) int maxSegmentBytes,
      @ForAll boolean txChecksum,
      @ForAll @IntRange(min = 0, max = 65_535) int windowAboveMss,
      @ForAll @IntRange(min = 1, max = 60_000) int size) throws Exception {
    int window = Math.min(65_535, mss + windowAboveMss);
    int limit = txChecksum && maxSegmentBytes >= 2 * mss ? maxSegmentBytes - maxSegmentBytes % mss : mss;
    try (TcpScript s = new TcpScript()) {
      s.ip.offloads = new Offloads(false, txChecksum, maxSegmentBytes);
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(mss));
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt).win(window));
      byte[] data = new byte[size];
      new java.util.SplittableRandom(size).nextBytes(data);
      CompletableFuture<Void> f = new CompletableFuture<>();
      c.write(Unpooled.wrappedBuffer(data), f, s.now);
      assertTrue(f.isDone(), "write queued");
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      for (int round = 0; round < 1_000 && got.size() < size; round++) {
        int inFlight = 0;
        int end = 0;
        for (Out next; (next = s.ip.sent.poll()) != null; ) {
          Out o = next;
          int len = o.data.length;
          inFlight += len;
          got.write(o.data);
          end = o.seq + len;
          assertTrue(len <= limit, () -> len + " above " + limit + ": " + o);
          assertTrue(len % mss == 0 || got.size() == size, () -> "not whole MSS before the end: " + o);
          assertEquals(len > mss ? mss : 0, Tx.segmentBytes(o.tx), o::toString);
          assertEquals(txChecksum ? Tx.CHECKSUM_PARTIAL : 0, Tx.flags(o.tx), o::toString);
        }
        assertTrue(inFlight <= window, "in flight " + inFlight + " above the window " + window);
        if (inFlight == 0) {
          s.after(100); // nothing sendable: let a timer (delayed data, probes) move it
          continue;
        }
        s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(end).win(window));
      }
      assertArrayEquals(data, got.toByteArray(), "every byte once, in order");
    }
  }
}
