package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The receive window as the application reads (RFC 9293 §3.8.6.2.2, RFC 1122 §4.2.3.3): it closes
 * as data arrives and reopens as the application consumes it; an update goes out at once when it
 * opens enough, never for a few bytes (receiver silly-window avoidance), and the right edge never
 * moves left (RFC 9293 §3.8.6.2.1).
 */
class TcpReceiveWindowTest {

  private static final int PEER_ISS = 7_000_000;
  private static final int PORT = 40000;

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  private static int read(TcpScript s, TcpConnection c) throws Exception {
    CompletableFuture<ByteBuf> f = new CompletableFuture<>();
    c.read(f, s.now);
    if (!f.isDone()) {
      return 0;
    }
    ByteBuf b = f.get();
    int n = b.readableBytes();
    b.release();
    return n;
  }

  /** The last segment we sent, draining the others. */
  private static Out last(TcpScript s) {
    Out o = s.expect();
    while (s.ip.sent.peek() != null) {
      o = s.expect();
    }
    return o;
  }

  @Test
  void rfc7323_2_3_scaledWindowClosesAsDataArrivesAndReopensToTheWholeBufferWhenRead() throws Exception {
    try (TcpScript s = new TcpScript()) { // 256 KiB: window scale 3
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, new TcpOptions().mss(1460).windowScale(7));
      int seq = PEER_ISS + 1;
      int buffer = TcpSettings.DEFAULTS.receiveBuffer();
      int sent = 0;
      while (sent < buffer) {
        int n = Math.min(1460, buffer - sent);
        s.inject(seg(ACK, PORT, 80).seq(seq).ack(c.sndNxt).data(bytes(n)));
        seq += n;
        sent += n;
      }
      s.after(40);
      Out full = last(s);
      assertEquals(seq, full.ack);
      assertEquals(0, full.window, "all 256 KiB are held: the window is closed");
      assertEquals(buffer, read(s, c));
      Out update = s.expect();
      assertEquals(1, s.tcp.counters().get(TcpCounter.TX_WINDOW_UPDATES));
      assertEquals(seq, update.ack);
      assertEquals(buffer, update.window << 3, "the update offers the whole buffer again");
      s.expectNothing();
    }
  }

  @Test
  void rfc1122_4_2_3_3_aReadThatOpensTheWindowByLessThanAnMssMovesNoEdge() throws Exception {
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(1).withBuffers(16_384, 16_384))) {
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, new TcpOptions().mss(1460));
      s.inject(seg(ACK, PORT, 80).seq(PEER_ISS + 1).ack(c.sndNxt).data(bytes(1000)));
      assertEquals(1000, read(s, c));
      s.expectNothing(); // the window would open by 1,000 bytes only: no update
      s.after(40);
      Out ack = s.expect();
      assertEquals(PEER_ISS + 1001, ack.ack);
      assertEquals(16_384 - 1000, ack.window, "the delayed ACK keeps the right edge where it was");
      s.inject(seg(ACK, PORT, 80).seq(PEER_ISS + 1001).ack(c.sndNxt).data(bytes(500)));
      assertEquals(500, read(s, c));
      s.after(40);
      assertEquals(16_384, s.expect().window, "1,500 bytes read: the edge moves by more than an MSS");
      assertEquals(0, s.tcp.counters().get(TcpCounter.TX_WINDOW_UPDATES));
    }
  }

  @Test
  void rfc9293_3_8_6_2_2_aLostWindowUpdateIsRepeatedWhenThePeerProbes() throws Exception {
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(1).withBuffers(16_384, 16_384))) {
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, new TcpOptions().mss(1460));
      int seq = PEER_ISS + 1;
      for (int sent = 0; sent < 16_384; sent += 4096) {
        s.inject(seg(ACK, PORT, 80).seq(seq).ack(c.sndNxt).data(bytes(4096)));
        seq += 4096;
      }
      assertEquals(0, last(s).window);
      assertEquals(16_384, read(s, c));
      assertEquals(16_384, s.expect().window, "the update (lost on its way)");
      s.inject(seg(ACK, PORT, 80).seq(seq - 1).ack(c.sndNxt)); // a zero-window probe
      Out answer = s.expect();
      assertEquals(seq, answer.ack);
      assertEquals(16_384, answer.window, "the probe's answer offers the open window");
    }
  }

  /**
   * A peer that sends whatever the window allows in full segments (sender SWS avoidance, RFC 1122
   * §4.2.3.4) up to the furthest edge offered, and an application that reads at random moments:
   * everything arrives (the window always reopens, no deadlock), the data held never exceeds the
   * buffer, the edge never retracts by a unit of the window scale or more (RFC 7323 §2.4), and
   * it moves right only by at least min(MSS, buffer/2) at a time.
   */
  @Test
  void rfc1122_4_2_3_3_rightEdgeNeverRetractsNorPassesTheBufferAndMovesOnlyByUsefulAmounts() throws Exception {
    for (int buffer : new int[] {8_192, 16_384, 65_536, 262_144}) {
      try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(buffer).withBuffers(16_384, buffer))) {
        TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, new TcpOptions().mss(1460).windowScale(0));
        int scale = c.rcvScale;
        int mss = 1460;
        int threshold = Math.min(mss, buffer / 2);
        SplittableRandom random = new SplittableRandom(buffer);
        int seq = PEER_ISS + 1;
        int right = seq + buffer;
        int total = 4 * 1024 * 1024;
        int sent = 0;
        int received = 0;
        int stuck = 0;
        while (received < total) {
          int usable = right - seq;
          boolean sendable = sent < total && (usable >= mss || usable >= buffer / 2);
          if (sendable) {
            int n = Math.min(Math.min(mss, usable), total - sent);
            s.inject(seg(ACK, PORT, 80).seq(seq).ack(c.sndNxt).data(bytes(n)));
            seq += n;
            sent += n;
          }
          if (!sendable || random.nextInt(4) == 0) {
            received += read(s, c);
          }
          if (random.nextInt(8) == 0) {
            s.after(40);
          }
          assertTrue(c.readable() <= buffer, "held " + c.readable() + " > buffer " + buffer);
          Out o;
          while ((o = s.ip.sent.poll()) != null) {
            int edge = o.ack + (o.window << scale);
            assertTrue(right - edge < (1 << scale), "the right edge retracted: " + o);
            assertTrue(edge - right <= 0 || edge - right >= threshold,
                "the right edge moved by " + (edge - right) + " < " + threshold + ": " + o);
            right = Seq.max(right, edge);
          }
          stuck = sendable || received == sent ? 0 : stuck + 1;
          assertTrue(stuck < 10, "no progress: window " + (right - seq) + " at " + sent);
        }
        assertEquals(total, sent);
      }
    }
  }
}
