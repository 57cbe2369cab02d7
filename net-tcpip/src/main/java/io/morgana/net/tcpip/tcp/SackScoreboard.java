package io.morgana.net.tcpip.tcp;

/**
 * The sender's SACK scoreboard (RFC 6675 §3–§4): which sequence ranges above SND.UNA the peer
 * reported in SACK blocks (RFC 2018), merged and sorted, with the three questions loss recovery
 * asks of it — {@code IsLost}, {@code SetPipe} and {@code NextSeg} — answered on ranges rather
 * than octet by octet. HighRxt (the end of the highest retransmission) and RescueRxt (the one
 * rescue retransmission a recovery may make, §4 rule 4) are kept here too.
 *
 * <p>Bounded: at most {@link #CAPACITY} disjoint ranges are remembered; a block that would need
 * more is dropped (its data counts as not SACKed: at worst retransmitted needlessly). SACK
 * information is advisory (RFC 2018 §8): it is cleared on a retransmission timeout, and ranges
 * below the cumulative acknowledgment are forgotten. Loop thread only.
 */
final class SackScoreboard {

  /** RFC 6675 §2: DupThresh. */
  static final int DUP_THRESH = 3;
  static final int CAPACITY = 64;

  private final int[] left = new int[CAPACITY];
  private final int[] right = new int[CAPACITY];
  private int count;
  /** RFC 6675 HighRxt: everything below it (and above SND.UNA) was retransmitted once. */
  private int highRxt;
  /**
   * RFC 6675 RescueRxt, as an exclusive end: a rescue retransmission is allowed once SND.UNA has
   * passed it (the RFC's HighACK &gt; RescueRxt). Set at the start of a recovery to the end of the
   * first retransmission (§5 step 4.3), and to RecoveryPoint by the rescue itself.
   */
  private int rescueRxt;

  /** Number of disjoint SACKed ranges. */
  int ranges() {
    return count;
  }

  int left(int i) {
    return left[i];
  }

  int right(int i) {
    return right[i];
  }

  int highRxt() {
    return highRxt;
  }

  /** Forgets everything (a retransmission timeout, RFC 2018 §8; or recovery starting afresh). */
  void clear(int una) {
    count = 0;
    highRxt = una;
    rescueRxt = una;
  }

  /**
   * A recovery starts (RFC 6675 §5 step 4): nothing retransmitted yet, HighRxt = HighACK; the
   * caller then records the first retransmission with {@link #retransmitted} and {@link
   * #rescueAfter}.
   */
  void recoveryStarts(int una) {
    highRxt = una;
    rescueRxt = una;
  }

  /**
   * RFC 6675 {@code Update()}: records a SACK block; blocks outside (una, sndMax] are ignored (a
   * D-SACK or a lie, RFC 2883 / RFC 5961 spirit).
   */
  void add(int l, int r, int una, int sndMax) {
    if (Seq.le(r, una) || Seq.gt(r, sndMax) || Seq.ge(l, r)) {
      return;
    }
    l = Seq.max(l, una);
    // Find the first range whose right end reaches l: everything before it stays.
    int i = 0;
    while (i < count && Seq.lt(right[i], l)) {
      i++;
    }
    // Merge with every range that touches [l, r).
    int j = i;
    while (j < count && Seq.le(left[j], r)) {
      l = Seq.min(l, left[j]);
      r = Seq.max(r, right[j]);
      j++;
    }
    int removed = j - i;
    if (removed == 0) {
      if (count == CAPACITY) {
        return;
      }
      System.arraycopy(left, i, left, i + 1, count - i);
      System.arraycopy(right, i, right, i + 1, count - i);
      count++;
    } else if (removed > 1) {
      System.arraycopy(left, j, left, i + 1, count - j);
      System.arraycopy(right, j, right, i + 1, count - j);
      count -= removed - 1;
    }
    left[i] = l;
    right[i] = r;
  }

  /** The cumulative acknowledgment moved to {@code una}: ranges below it are forgotten. */
  void acknowledged(int una) {
    int drop = 0;
    while (drop < count && Seq.le(right[drop], una)) {
      drop++;
    }
    if (drop > 0) {
      System.arraycopy(left, drop, left, 0, count - drop);
      System.arraycopy(right, drop, right, 0, count - drop);
      count -= drop;
    }
    if (count > 0 && Seq.lt(left[0], una)) {
      left[0] = una;
    }
    if (Seq.lt(highRxt, una)) {
      highRxt = una;
    }
  }

  /** Whether {@code seq} was SACKed. */
  boolean sacked(int seq) {
    for (int i = 0; i < count; i++) {
      if (Seq.inRange(seq, left[i], right[i])) {
        return true;
      }
    }
    return false;
  }

  /**
   * RFC 6675 {@code IsLost} for every sequence number at once: unSACKed data below the returned
   * edge is lost, because DupThresh discontiguous SACKed ranges, or more than (DupThresh - 1) ×
   * SMSS SACKed bytes, lie above it. Returns {@code una} when nothing is deemed lost.
   */
  int lostEdge(int una, int mss) {
    long bytes = 0;
    for (int i = count - 1; i >= 0; i--) {
      bytes += right[i] - left[i];
      if (count - i >= DUP_THRESH || bytes > (long) (DUP_THRESH - 1) * mss) {
        return left[i];
      }
    }
    return una;
  }

  /** RFC 6675 {@code IsLost(seq)}. */
  boolean isLost(int seq, int una, int mss) {
    return Seq.lt(seq, lostEdge(una, mss)) && !sacked(seq);
  }

  /** Bytes in [from, to) that were not SACKed. */
  long unsacked(int from, int to) {
    if (Seq.ge(from, to)) {
      return 0;
    }
    long n = to - from;
    for (int i = 0; i < count; i++) {
      int l = Seq.max(left[i], from);
      int r = Seq.min(right[i], to);
      if (Seq.lt(l, r)) {
        n -= r - l;
      }
    }
    return n;
  }

  /**
   * RFC 6675 {@code SetPipe()}: the bytes in flight between {@code una} and {@code sndMax} —
   * unSACKed and not lost, plus unSACKed and retransmitted (below HighRxt).
   */
  long pipe(int una, int sndMax, int mss) {
    int lost = lostEdge(una, mss);
    long notLost = unsacked(Seq.max(lost, una), sndMax);
    long retransmitted = unsacked(una, Seq.min(Seq.max(highRxt, una), sndMax));
    return notLost + retransmitted;
  }

  /**
   * RFC 6675 {@code NextSeg()} rules 1 and 3: the first unSACKed sequence number at or above
   * HighRxt and below the highest SACKed octet (criterion 1.b) — rule 1 only if it is lost, rule 3
   * whether lost or not — or {@code una - 1} (a number below SND.UNA) if there is none. Data above
   * every SACK block is left to new data (rule 2) and the rescue retransmission (rule 4).
   */
  int nextRetransmission(int una, int sndMax, int mss, boolean lostOnly) {
    int sackedTop = count == 0 ? una : Seq.min(right[count - 1], sndMax);
    int limit = lostOnly ? Seq.min(lostEdge(una, mss), sackedTop) : sackedTop;
    int s = Seq.max(highRxt, una);
    for (int i = 0; i < count && Seq.lt(s, limit); i++) {
      if (Seq.le(right[i], s)) {
        continue;
      }
      if (Seq.lt(s, left[i])) {
        return s;
      }
      s = right[i];
    }
    return Seq.lt(s, limit) ? s : una - 1;
  }

  /** The first SACKed sequence number above {@code seq}, or {@code sndMax}: a retransmission ends there. */
  int nextSackedAbove(int seq, int sndMax) {
    for (int i = 0; i < count; i++) {
      if (Seq.gt(left[i], seq)) {
        return Seq.min(left[i], sndMax);
      }
    }
    return sndMax;
  }

  /**
   * RFC 6675 {@code NextSeg()} rule 4, the rescue retransmission: when rules 1–3 found nothing
   * and the cumulative acknowledgment has passed RescueRxt, the start of one segment of up to
   * {@code mss} bytes that ends at the highest unSACKed sequence number below {@code sndMax};
   * RescueRxt becomes {@code recoveryPoint} (once per recovery), HighRxt stays. Returns {@code
   * una - 1} (a number below SND.UNA) when no rescue is due.
   */
  int rescue(int una, int sndMax, int mss, int recoveryPoint) {
    if (!Seq.gt(una, rescueRxt)) {
      return una - 1;
    }
    int end = sndMax;
    int floor = una;
    for (int i = count - 1; i >= 0; i--) {
      if (Seq.ge(right[i], end) && Seq.lt(left[i], end)) {
        end = left[i]; // the top of the outstanding data is SACKed: the highest hole is below it
      } else if (Seq.lt(right[i], end)) {
        floor = Seq.max(right[i], una);
        break;
      }
    }
    if (Seq.le(end, una)) {
      return una - 1;
    }
    rescueRxt = recoveryPoint;
    return Seq.max(floor, end - mss);
  }

  /** RFC 6675 §5 step 4.3: no rescue retransmission until SND.UNA passes {@code end}. */
  void rescueAfter(int end) {
    rescueRxt = end;
  }

  /** Records a retransmission ending at {@code end} (RFC 6675 HighRxt). */
  void retransmitted(int end) {
    if (Seq.gt(end, highRxt)) {
      highRxt = end;
    }
  }
}
