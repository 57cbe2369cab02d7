package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpSettings#sendBudget}: the data all connections hold for sending stays within the
 * budget plus one MSS per connection ({@link SendBudget}'s floor), writes beyond it wait and are
 * served as acknowledgements free room, and the accounting is exact. In virtual time on {@link
 * TcpPair}; the receivers' small buffers keep data unacknowledged until their application reads.
 */
class TcpSendBudgetTest {

  static final int SEND_BUFFER = 32 * 1024;
  static final long BUDGET = 64 * 1024;
  /** The sender: a budget of two send buffers. */
  static final TcpSettings SENDER = TcpSettings.DEFAULTS.withSecret(5).withBuffers(SEND_BUFFER, 16 * 1024)
      .withSendBudget(BUDGET);
  /** The receiver: a small window, so that unread data stops acknowledgements. */
  static final TcpSettings RECEIVER = TcpSettings.DEFAULTS.withSecret(6).withBuffers(16 * 1024, 4 * 1024)
      .withLimits(65_536, 4_096, 1_000);

  static byte[] data(int connection, int length) {
    byte[] d = new byte[length];
    for (int i = 0; i < length; i++) {
      d[i] = (byte) (i * 7 + i / 251 + connection * 31);
    }
    return d;
  }

  /**
   * Each of {@code senders} is charged for exactly what it queued, the layer's count is the sum
   * of their charges, and it stays within the budget plus one MSS per connection.
   */
  static void assertExactAndBounded(TcpPair p, List<TcpConnection> senders) {
    assertExactAndBounded(p, senders, BUDGET);
  }

  static void assertExactAndBounded(TcpPair p, List<TcpConnection> senders, long budget) {
    long charged = 0;
    for (TcpConnection c : senders) {
      assertEquals(c.queued() + c.pendingCharged, c.sendCharged, "charge of " + c);
      charged += c.sendCharged;
    }
    assertEquals(charged, p.a.sendHeld(), "the layer counts what the connections charged");
    long mss = senders.isEmpty() ? 0 : senders.get(0).sendMss();
    assertTrue(p.a.sendHeld() <= budget + senders.size() * mss,
        "held " + p.a.sendHeld() + " over budget " + budget + " + " + senders.size() + " MSS");
  }

  @Test
  void manyConnectionsWritingMoreThanTheBudget_stayWithinIt_andEveryByteArrivesInOrder() throws Exception {
    int n = 20;
    int length = 100 * 1024; // 2,000 KiB in all against a 64 KiB budget
    try (TcpPair p = new TcpPair(SENDER, RECEIVER)) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = TcpScaleTest.open(p, l, n);
      List<TcpConnection> senders = all.subList(0, n);
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      List<ByteArrayOutputStream> got = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        senders.get(i).write(Unpooled.wrappedBuffer(data(i, length)), f, p.now);
        writes.add(f);
        got.add(new ByteArrayOutputStream());
        assertExactAndBounded(p, senders);
      }
      p.run();
      assertExactAndBounded(p, senders);
      assertTrue(p.a.counters().get(TcpCounter.TX_WAIT_MEMORY) > 0, "writes waited for the budget");

      long received = 0;
      for (int round = 0; round < 10_000 && received < (long) n * length; round++) {
        for (int i = 0; i < n; i++) {
          byte[] b = p.read(all.get(n + i));
          got.get(i).writeBytes(b);
          received += b.length;
          assertExactAndBounded(p, senders);
        }
        p.advance(Duration.ofMillis(10));
        assertExactAndBounded(p, senders);
      }
      for (int i = 0; i < n; i++) {
        assertTrue(writes.get(i).isDone(), "write " + i + " completed");
        writes.get(i).join();
        assertArrayEquals(data(i, length), got.get(i).toByteArray(), "connection " + i + "'s bytes in order");
      }
      assertEquals(0, p.a.sendHeld(), "everything acknowledged, nothing charged");
      for (TcpConnection c : all) {
        p.close(c);
      }
      p.advance(Duration.ofMinutes(2));
      assertEquals(0, p.a.sendHeld());
      assertEquals(0, p.alloc.live(), "buffers left behind");
    }
  }

  @Test
  void aConnectionWithNothingQueuedMayQueueOneMss_abortingAnotherFreesItsShareAndWakesTheWaitingWriter() throws Exception {
    try (TcpPair p = new TcpPair(SENDER.withSendBudget(SEND_BUFFER), RECEIVER)) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = TcpScaleTest.open(p, l, 2);
      TcpConnection x = all.get(0);
      TcpConnection y = all.get(1);
      TcpConnection yServer = all.get(3);

      CompletableFuture<Void> xWrite = new CompletableFuture<>();
      x.write(Unpooled.wrappedBuffer(data(0, 2 * SEND_BUFFER)), xWrite, p.now);
      p.run();
      assertEquals(SEND_BUFFER, p.a.sendHeld(), "x's unacknowledged data holds the whole budget");
      assertFalse(xWrite.isDone());

      CompletableFuture<Void> yWrite = new CompletableFuture<>();
      y.write(Unpooled.wrappedBuffer(data(1, 8 * 1024)), yWrite, p.now);
      p.run();
      assertTrue(yServer.readable() > 0, "y, holding nothing, queued one MSS at a time past the full budget");
      assertFalse(yWrite.isDone(), "the rest of y's write waits for the budget");
      assertTrue(y.waitsForBudget);
      assertEquals(1, p.a.counters().get(TcpCounter.TX_WAIT_MEMORY), "y waited (x waits for its own send buffer)");
      long yHeld = y.sendCharged;
      assertTrue(yHeld <= y.sendMss(), "y holds at most its one MSS: " + yHeld);

      x.abort(p.now);
      p.run();
      CompletionException e = assertThrows(CompletionException.class, xWrite::join);
      assertTrue(e.getCause().getMessage().contains("aborted"), e.getCause().getMessage());
      assertTrue(yWrite.isDone(), "aborting x freed its share and y's write was queued");
      yWrite.join();
      assertEquals(y.sendCharged, p.a.sendHeld(), "x's share given back exactly");
      assertEquals(y.queued(), p.a.sendHeld());

      byte[] got = p.read(yServer);
      for (int i = 0; i < 100 && got.length < 8 * 1024; i++) {
        p.advance(Duration.ofMillis(100));
        byte[] more = p.read(yServer);
        byte[] both = new byte[got.length + more.length];
        System.arraycopy(got, 0, both, 0, got.length);
        System.arraycopy(more, 0, both, got.length, more.length);
        got = both;
      }
      assertArrayEquals(data(1, 8 * 1024), got);
      assertEquals(0, p.a.sendHeld());
      y.abort(p.now);
      p.run();
    }
  }

  @Test
  void aResetConnectionGivesBackEverythingItHeld() throws Exception {
    try (TcpPair p = new TcpPair(SENDER, RECEIVER)) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = TcpScaleTest.open(p, l, 1);
      CompletableFuture<Void> w = new CompletableFuture<>();
      all.get(0).write(Unpooled.wrappedBuffer(data(0, 3 * SEND_BUFFER)), w, p.now);
      p.run();
      assertTrue(p.a.sendHeld() > 0);
      all.get(1).abort(p.now); // the peer resets
      p.run();
      assertTrue(w.isCompletedExceptionally(), "the waiting write learns of the reset");
      assertEquals(0, p.a.sendHeld());
      assertEquals(0, all.get(0).sendCharged);
    }
  }

  @Test
  void abortingAConnectionResetBeforeReleasesItsUnreadData() throws Exception {
    try (TcpPair p = new TcpPair(SENDER, RECEIVER)) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = TcpScaleTest.open(p, l, 1);
      p.write(all.get(0), data(0, 1_000));
      all.get(0).abort(p.now); // b's connection is reset, its 1,000 bytes kept for the application
      p.run();
      assertEquals(1_000, p.b.receiveHeld());
      all.get(1).abort(p.now); // which gives them up
      assertEquals(0, p.b.receiveHeld(), "the receive budget got the unread data back");
      assertEquals(0, p.alloc.live(), "buffers left behind");
    }
  }

  @Test
  void theSendBudgetMustHoldOneSendBuffer_andDefaultsTo64MiB() {
    assertEquals(64L << 20, TcpSettings.DEFAULTS.sendBudget());
    assertThrows(IllegalArgumentException.class,
        () -> TcpSettings.DEFAULTS.withBuffers(64 * 1024, 64 * 1024).withSendBudget(32 * 1024));
  }
}
