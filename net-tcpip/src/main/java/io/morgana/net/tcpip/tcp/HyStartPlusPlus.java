package io.morgana.net.tcpip.tcp;

/**
 * HyStart++ (RFC 9406): the initial slow start, ended early when the round-trip time rises. Per
 * round of data (§4.2: {@code windowEnd = SND.NXT} when a round begins; the round ends once
 * windowEnd is acknowledged — an ACK number beyond it, as Linux's {@code after(ack, end_seq)} —
 * so the ACK of the round's last byte still counts in that round), the minimum RTT of the ACKs is kept; once a round has {@link
 * #N_RTT_SAMPLE} samples and its minimum exceeds the last round's by RttThresh = clamp(lastRoundMinRTT
 * / {@link #MIN_RTT_DIVISOR}, {@link #MIN_RTT_THRESH}, {@link #MAX_RTT_THRESH}), slow start ends
 * and Conservative Slow Start (CSS) begins: growth divided by {@link #CSS_GROWTH_DIVISOR}. In CSS,
 * a round whose minimum RTT falls below the baseline taken at the exit was a false alarm (jitter):
 * slow start resumes. After {@link #CSS_ROUNDS} rounds in CSS, slow start is over ({@link
 * Phase#DONE}: the connection sets ssthresh = cwnd and congestion avoidance takes over).
 *
 * <p>Growth per ACK is min(N, L × SMSS) bytes for N bytes newly acknowledged, with {@link #L} = 8:
 * we do not pace (§4.2). Used for the initial slow start only (§4.3: later slow starts, after a
 * timeout, stop at the ssthresh found); a congestion event ends it ({@link #congestion}). RTTs
 * and times in nanoseconds; loop thread only, no allocation.
 */
final class HyStartPlusPlus {

  /** §4.3 constants. */
  static final long MIN_RTT_THRESH = 4_000_000L;
  static final long MAX_RTT_THRESH = 16_000_000L;
  static final int MIN_RTT_DIVISOR = 8;
  static final int N_RTT_SAMPLE = 8;
  static final int CSS_GROWTH_DIVISOR = 4;
  static final int CSS_ROUNDS = 5;
  /** §4.2: the segments one ACK may grow the window by, for a sender that does not pace. */
  static final int L = 8;

  private static final long INFINITE = Long.MAX_VALUE;

  /** Where the initial slow start stands. */
  enum Phase {
    /** Standard slow start, watching the RTT of each round. */
    SLOW_START,
    /** Conservative Slow Start after an RTT rise (§4.2). */
    CSS,
    /** Over: CSS completed, or a congestion event; the congestion control's own rules apply. */
    DONE
  }

  private Phase phase = Phase.SLOW_START;
  private boolean roundStarted;
  private int windowEnd;
  private long lastRoundMinRtt = INFINITE;
  private long currentRoundMinRtt = INFINITE;
  private int rttSampleCount;
  private long cssBaselineMinRtt = INFINITE;
  private int cssRounds;

  Phase phase() {
    return phase;
  }

  /**
   * An ACK newly acknowledging {@code acked} bytes in slow start.
   *
   * @param ack the acknowledgment number (beyond windowEnd, it begins a new round)
   * @param sndNxt SND.NXT now: the end of the next round
   * @param rtt this ACK's round-trip sample, or a negative number when it gave none (Karn's rule
   *     without timestamps)
   * @return the bytes to grow the window by
   */
  long onAck(long acked, int mss, int ack, int sndNxt, long rtt) {
    if (phase == Phase.DONE) {
      throw new IllegalStateException("HyStart++ is over");
    }
    if (!roundStarted || Seq.gt(ack, windowEnd)) {
      startRound(sndNxt);
      if (phase == Phase.DONE) {
        return 0;
      }
    }
    if (rtt >= 0) {
      currentRoundMinRtt = Math.min(currentRoundMinRtt, rtt);
      rttSampleCount++;
    }
    long growth = Math.min(acked, (long) L * mss);
    boolean enough = rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRtt != INFINITE;
    if (phase == Phase.SLOW_START) {
      if (enough && lastRoundMinRtt != INFINITE) {
        long rttThresh = Math.max(MIN_RTT_THRESH, Math.min(lastRoundMinRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH));
        if (currentRoundMinRtt >= lastRoundMinRtt + rttThresh) {
          cssBaselineMinRtt = currentRoundMinRtt;
          phase = Phase.CSS;
          cssRounds = 0;
        }
      }
      return growth;
    }
    // CSS.
    if (enough && currentRoundMinRtt < cssBaselineMinRtt) {
      cssBaselineMinRtt = INFINITE; // the rise was spurious: back to slow start
      phase = Phase.SLOW_START;
      return growth;
    }
    return growth / CSS_GROWTH_DIVISOR;
  }

  /** §4.2: a loss (or ECN-CE) in slow start or CSS ends HyStart++; congestion avoidance follows. */
  void congestion() {
    phase = Phase.DONE;
  }

  /** The last RTT rounds, for tests and diagnostics. */
  long currentRoundMinRtt() {
    return currentRoundMinRtt;
  }

  long lastRoundMinRtt() {
    return lastRoundMinRtt;
  }

  private void startRound(int sndNxt) {
    if (roundStarted && phase == Phase.CSS && ++cssRounds >= CSS_ROUNDS) {
      phase = Phase.DONE;
      return;
    }
    roundStarted = true;
    windowEnd = sndNxt;
    lastRoundMinRtt = currentRoundMinRtt;
    currentRoundMinRtt = INFINITE;
    rttSampleCount = 0;
  }
}
