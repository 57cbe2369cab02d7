package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link SendBudget}'s accounting over random sequences of writes, reads (which let the peer
 * acknowledge), time passing and aborts on either side: after every step each connection's charge
 * equals what it queued, the layer's count is their sum and stays within the budget plus one MSS
 * per connection, every connection's peer has received a prefix of what was written, in order;
 * at the end nothing is charged and no buffer is left.
 */
class TcpSendBudgetProperties {

  static final int K = 4;

  /** Byte {@code k} of connection {@code i}'s stream. */
  static byte streamByte(int i, long k) {
    return (byte) (k * 7 + k / 251 + i * 31);
  }

  @Property(tries = 60, seed = "20261206")
  void theChargeIsExactAndBoundedWhateverTheOrderOfWritesAcksAndAborts(
      @ForAll @Size(min = 1, max = 120) List<@IntRange(min = 0, max = 99_999) Integer> steps) throws Exception {
    try (TcpPair p = new TcpPair(TcpSendBudgetTest.SENDER, TcpSendBudgetTest.RECEIVER)) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = TcpScaleTest.open(p, l, K);
      List<TcpConnection> senders = all.subList(0, K);
      long[] written = new long[K];
      long[] received = new long[K];
      boolean[] readerAborted = new boolean[K];
      @SuppressWarnings("unchecked")
      CompletableFuture<Void>[] writes = new CompletableFuture[K];
      for (int step : steps) {
        int i = step % K;
        int arg = step / K;
        switch (arg % 4) {
          case 0, 1 -> { // a write of up to 40 KiB, if this connection's last one is done
            if (writes[i] == null || writes[i].isDone()) {
              int length = 1 + arg % (40 * 1024);
              byte[] d = new byte[length];
              for (int k = 0; k < length; k++) {
                d[k] = streamByte(i, written[i] + k);
              }
              writes[i] = new CompletableFuture<>();
              senders.get(i).write(Unpooled.wrappedBuffer(d), writes[i], p.now);
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
              all.get(reader ? K + i : i).abort(p.now);
              p.run();
            } else {
              p.advance(Duration.ofMillis(arg % 500));
            }
          }
        }
        TcpSendBudgetTest.assertExactAndBounded(p, senders);
      }
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
