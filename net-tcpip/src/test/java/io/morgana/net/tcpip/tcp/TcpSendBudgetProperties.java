package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link SendBudget}'s accounting over random sequences of writes, reads (which let the peer
 * acknowledge), time passing and aborts on either side: after every step each connection's charge
 * equals what it queued, the layer's count is their sum and stays within the budget plus one MSS
 * per connection, every connection's peer has received a prefix of what was written, in order;
 * once the readers read to the end every write not cut by an abort completes and all its bytes
 * arrive (no writer is left waiting for the budget); at the end nothing is charged and no buffer
 * is left. At least a fifth of the tries must have made a write wait for the budget.
 */
class TcpSendBudgetProperties {

  static final int K = 4;
  /** One send buffer: two connections with data queued can use it up. */
  static final long BUDGET = TcpSendBudgetTest.SEND_BUFFER;

  /** Byte {@code k} of connection {@code i}'s stream. */
  static byte streamByte(int i, long k) {
    return (byte) (k * 7 + k / 251 + i * 31);
  }

  static boolean allArrived(long[] written, long[] received, boolean[] aborted) {
    for (int i = 0; i < K; i++) {
      if (!aborted[i] && received[i] < written[i]) {
        return false;
      }
    }
    return true;
  }

  @Property(tries = 200, seed = "20261206")
  @StatisticsReport(onFailureOnly = false)
  void theChargeIsExactAndBoundedWhateverTheOrderOfWritesAcksAndAborts(
      @ForAll @Size(min = 1, max = 120) List<@IntRange(min = 0, max = 99_999) Integer> steps) throws Exception {
    try (TcpPair p = new TcpPair(TcpSendBudgetTest.SENDER.withSendBudget(BUDGET), TcpSendBudgetTest.RECEIVER)) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = TcpScaleTest.open(p, l, K);
      List<TcpConnection> senders = all.subList(0, K);
      long[] written = new long[K];
      long[] received = new long[K];
      boolean[] readerAborted = new boolean[K];
      boolean[] aborted = new boolean[K];
      List<CompletableFuture<Void>> writes = new ArrayList<>(Collections.nCopies(K, null));
      for (int step : steps) {
        int i = step % K;
        int arg = step / K;
        switch (arg % 4) {
          case 0, 1 -> { // a write of up to 40 KiB, if this connection's last one is done
            if (writes.get(i) == null || writes.get(i).isDone()) {
              int length = 1 + (int) ((arg * 7_919L) % (40 * 1024));
              byte[] d = new byte[length];
              for (int k = 0; k < length; k++) {
                d[k] = streamByte(i, written[i] + k);
              }
              CompletableFuture<Void> w = new CompletableFuture<>();
              writes.set(i, w);
              senders.get(i).write(Unpooled.wrappedBuffer(d), w, p.now);
              written[i] += length;
              p.run();
            }
          }
          case 2 -> { // the peer reads: its window opens, acknowledgements free the budget
            byte[] got = readerAborted[i] ? new byte[0] : p.read(all.get(K + i));
            for (int k = 0; k < got.length; k++) {
              assertEquals(streamByte(i, received[i] + k), got[k], "connection " + i + " byte " + (received[i] + k));
            }
            received[i] += got.length;
            p.advance(Duration.ofMillis(1 + arg % 300));
          }
          default -> { // rarely, an abort on one side
            if (arg % 16 == 3) {
              boolean reader = arg % 32 >= 16;
              readerAborted[i] |= reader;
              aborted[i] = true;
              all.get(reader ? K + i : i).abort(p.now);
              p.run();
            } else {
              p.advance(Duration.ofMillis(arg % 500));
            }
          }
        }
        TcpSendBudgetTest.assertExactAndBounded(p, senders, BUDGET);
      }
      // Then the readers read until the end: every write not cut by an abort completes, every byte arrives.
      for (int round = 0; round < 2_000 && !allArrived(written, received, aborted); round++) {
        for (int i = 0; i < K; i++) {
          if (!readerAborted[i]) {
            byte[] got = p.read(all.get(K + i));
            for (int k = 0; k < got.length; k++) {
              assertEquals(streamByte(i, received[i] + k), got[k], "connection " + i + " byte " + (received[i] + k));
            }
            received[i] += got.length;
          }
        }
        p.advance(Duration.ofMillis(10));
        TcpSendBudgetTest.assertExactAndBounded(p, senders, BUDGET);
      }
      for (int i = 0; i < K; i++) {
        if (!aborted[i]) {
          assertEquals(written[i], received[i], "connection " + i + ": every byte written arrived");
          CompletableFuture<Void> w = writes.get(i);
          assertEquals(true, w == null || (w.isDone() && !w.isCompletedExceptionally()),
              "connection " + i + "'s write completed");
        }
      }
      Statistics.label("a write waited for the budget").collect(p.a.counters().get(TcpCounter.TX_WAIT_MEMORY) > 0);
      Statistics.label("a write waited for the budget").coverage(c -> c.check(true).percentage(pct -> pct >= 20));
      for (TcpConnection c : all) {
        c.abort(p.now);
      }
      p.advance(Duration.ofMinutes(2));
      assertEquals(0, p.a.sendHeld(), "charge left behind");
      for (CompletableFuture<Void> w : writes) {
        assertEquals(true, w == null || w.isDone(), "a write still waits after its connection ended");
      }
      assertEquals(0, p.alloc.live(), "buffers left behind");
    }
  }
}
