package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum of RFC 1071: the 16-bit one's complement of the one's complement sum of
 * the data taken as big-endian 16-bit words (an odd last byte is padded with zero), with the
 * incremental update of RFC 1624 and the IPv4 pseudo-header of RFC 768 / RFC 9293 §3.1.
 *
 * <p>Partial sums are {@code long}s that have not been folded; add them, then {@link #finish}.
 * Sums of pieces combine by addition only when each piece but the last has even length.
 */
public final class Checksum {

  private Checksum() {}

  /**
   * The unfolded sum of {@code length} bytes at absolute {@code index} of {@code buf}, added to
   * {@code initial}.
   */
  public static long sum(ByteBuf buf, int index, int length, long initial) {
    long s = initial;
    int i = index;
    int end = index + length;
    while (end - i >= 8) {
      long v = buf.getLong(i);
      s += (v >>> 32) + (v & 0xffff_ffffL);
      i += 8;
    }
    if (end - i >= 4) {
      s += buf.getUnsignedInt(i);
      i += 4;
    }
    if (end - i >= 2) {
      s += buf.getUnsignedShort(i);
      i += 2;
    }
    if (i < end) {
      s += (buf.getUnsignedByte(i) << 8);
    }
    return s;
  }

  /** The unfolded sum of the IPv4 pseudo-header: source, destination, zero, protocol, length. */
  public static long pseudoHeader(int source, int destination, int protocol, int length) {
    return (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
        + protocol + length;
  }

  /** Folds an unfolded sum to 16 bits with end-around carries (not complemented). */
  public static int fold(long sum) {
    long s = (sum & 0xffff_ffffL) + (sum >>> 32);
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    return (int) s;
  }

  /** The checksum field value for an unfolded sum: the complement of its fold. */
  public static int finish(long sum) {
    return ~fold(sum) & 0xffff;
  }

  /** The checksum of {@code length} bytes at {@code index}. */
  public static int compute(ByteBuf buf, int index, int length) {
    return finish(sum(buf, index, length, 0));
  }

  /** Whether bytes that include their checksum field sum to all ones (RFC 1071 §1 (3)). */
  public static boolean verifies(long sumIncludingChecksum) {
    return fold(sumIncludingChecksum) == 0xffff;
  }

  /**
   * RFC 1624 eqn. 3: the new checksum field after one 16-bit word changed from {@code oldWord}
   * to {@code newWord}: {@code HC' = ~(~HC + ~m + m')}.
   */
  public static int update(int checksum, int oldWord, int newWord) {
    long s = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
    return ~fold(s) & 0xffff;
  }
}
