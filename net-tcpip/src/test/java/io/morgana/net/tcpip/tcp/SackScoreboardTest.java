package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The RFC 6675 scoreboard: Update, IsLost, SetPipe and NextSeg on ranges. */
class SackScoreboardTest {

  private static final int MSS = 1000;
  /** Near the wrap of the sequence space, so modulo-2³² comparisons are exercised. */
  private static final int UNA = -5_000;

  private static SackScoreboard board(int... blocks) {
    SackScoreboard b = new SackScoreboard();
    b.clear(UNA);
    for (int i = 0; i < blocks.length; i += 2) {
      b.add(UNA + blocks[i], UNA + blocks[i + 1], UNA, UNA + 20_000);
    }
    return b;
  }

  @Test
  void rfc6675_update_blocksAreMergedAndSorted() {
    SackScoreboard b = board(5000, 6000, 2000, 3000, 3000, 4000, 8000, 9000, 5500, 8000);
    assertEquals(2, b.ranges());
    assertEquals(UNA + 2000, b.left(0));
    assertEquals(UNA + 4000, b.right(0));
    assertEquals(UNA + 5000, b.left(1));
    assertEquals(UNA + 9000, b.right(1));
  }

  @Test
  void rfc2018_blocksBelowUnaOrBeyondWhatWasSentAreIgnored() {
    SackScoreboard b = new SackScoreboard();
    b.clear(UNA);
    b.add(UNA - 3000, UNA - 1000, UNA, UNA + 10_000);
    b.add(UNA + 9000, UNA + 12_000, UNA, UNA + 10_000);
    b.add(UNA + 3000, UNA + 2000, UNA, UNA + 10_000);
    assertEquals(0, b.ranges());
  }

  @Test
  void rfc6675_cumulativeAckForgetsRangesBelowIt() {
    SackScoreboard b = board(1000, 2000, 3000, 4000);
    b.acknowledged(UNA + 3500);
    assertEquals(1, b.ranges());
    assertEquals(UNA + 3500, b.left(0));
  }

  @Test
  void rfc6675_isLost_afterDupThreshRangesAbove() {
    SackScoreboard b = board(1000, 1100, 2000, 2100);
    assertFalse(b.isLost(UNA, UNA, MSS), "two small ranges above: not yet");
    b.add(UNA + 3000, UNA + 3100, UNA, UNA + 20_000);
    assertTrue(b.isLost(UNA, UNA, MSS), "three discontiguous ranges above");
    assertFalse(b.isLost(UNA + 1500, UNA, MSS), "above it only two ranges of 100 bytes");
  }

  @Test
  void rfc6675_isLost_afterMoreThanTwoSegmentsOfSackedBytesAbove() {
    SackScoreboard b = board(1000, 3000);
    assertFalse(b.isLost(UNA, UNA, MSS), "exactly (DupThresh - 1) × SMSS: not more than");
    b.add(UNA + 3000, UNA + 3001, UNA, UNA + 20_000);
    assertTrue(b.isLost(UNA, UNA, MSS));
    assertFalse(b.isLost(UNA + 1000, UNA, MSS), "SACKed data is never lost");
  }

  @Test
  void rfc6675_setPipe_countsUnsackedNotLostPlusRetransmitted() {
    // Sent 10 segments; 2..4 and 6..9 SACKed: segments 0, 1 and 5 lost (enough SACKed above them).
    SackScoreboard b = board(2000, 5000, 6000, 10_000);
    int sndMax = UNA + 10_000;
    assertEquals(UNA + 6000, b.lostEdge(UNA, MSS));
    assertEquals(0, b.pipe(UNA, sndMax, MSS), "all that is not SACKed is lost");
    b.retransmitted(UNA + 1000);
    assertEquals(1000, b.pipe(UNA, sndMax, MSS), "the retransmission is in flight");
    SackScoreboard c = board(2000, 3000);
    assertEquals(9000, c.pipe(UNA, sndMax, MSS), "nothing lost: everything unSACKed is in flight");
  }

  @Test
  void rfc6675_nextSeg_lostHolesInOrderThenUnsackedData() {
    SackScoreboard b = board(1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000);
    int sndMax = UNA + 9000;
    assertEquals(UNA, b.nextRetransmission(UNA, sndMax, MSS, true));
    b.retransmitted(UNA + 1000);
    assertEquals(UNA + 2000, b.nextRetransmission(UNA, sndMax, MSS, true), "skips the SACKed range");
    assertEquals(UNA + 3000, b.nextSackedAbove(UNA + 2000, sndMax), "the retransmission stops at SACKed data");
    b.retransmitted(UNA + 3000);
    b.retransmitted(UNA + 5000);
    assertTrue(b.nextRetransmission(UNA, sndMax, MSS, true) - UNA < 0, "the hole at 6000 is not lost yet (rule 1)");
    assertEquals(UNA + 6000, b.nextRetransmission(UNA, sndMax, MSS, false), "rule 3 offers it");
  }

  @Test
  void rfc6675_nextSeg_rule3StopsAtTheHighestSackedByte() {
    SackScoreboard b = board(2000, 5000);
    int sndMax = UNA + 10_000;
    b.retransmitted(UNA + 2000);
    assertTrue(b.nextRetransmission(UNA, sndMax, MSS, false) - UNA < 0,
        "the tail above every SACK block is not rule 3's (criterion 1.b)");
  }

  @Test
  void rfc6675_nextSegRule4_theRescueEndsAtTheHighestUnsackedByteOncePerRecovery() {
    int sndMax = UNA + 10_000;
    SackScoreboard b = board(2000, 5000); // the tail 5000..10000 has no SACK above it
    b.recoveryStarts(UNA);
    b.retransmitted(UNA + 1000);
    b.rescueAfter(UNA + 1000);
    assertTrue(b.rescue(UNA, sndMax, MSS, sndMax) - UNA < 0, "HighACK has not passed RescueRxt");
    int una = UNA + 1500;
    b.acknowledged(una);
    assertEquals(UNA + 9000, b.rescue(una, sndMax, MSS, sndMax), "one segment ending at the highest unSACKed byte");
    assertEquals(una, b.highRxt(), "HighRxt is not moved by the rescue");
    assertTrue(b.rescue(una, sndMax, MSS, sndMax) - una < 0, "RescueRxt = RecoveryPoint: once per recovery");

    SackScoreboard top = board(2000, 3000, 8000, 10_000); // the top is SACKed: the highest hole is 3000..8000
    top.acknowledged(una);
    assertEquals(UNA + 7000, top.rescue(una, sndMax, MSS, sndMax));
    SackScoreboard small = board(2000, 7500, 8000, 10_000); // a hole smaller than a segment
    small.acknowledged(una);
    assertEquals(UNA + 7500, small.rescue(una, sndMax, MSS, sndMax));
    SackScoreboard all = board(1500, 10_000); // nothing unSACKed above SND.UNA
    all.acknowledged(una);
    assertTrue(all.rescue(una, sndMax, MSS, sndMax) - una < 0);
  }

  @Test
  void scoreboardIsBounded() {
    SackScoreboard b = new SackScoreboard();
    b.clear(0);
    for (int i = 0; i < 1000; i++) {
      b.add(i * 100 + 10, i * 100 + 20, 0, 1_000_000);
    }
    assertEquals(SackScoreboard.CAPACITY, b.ranges());
  }
}
