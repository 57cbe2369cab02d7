package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * The options of a TCP header (RFC 9293 §3.1, §3.2), read into a reusable holder and written
 * from one: Maximum Segment Size (kind 2, RFC 9293 §3.7.1), Window Scale (3, RFC 7323 §2),
 * SACK-Permitted (4) and SACK (5, RFC 2018), Timestamps (8, RFC 7323 §3).
 *
 * <pre>
 *   kind 0: End of Option List     kind 1: No-Operation
 *   kind 2, length 4:  MSS (16 bits)
 *   kind 3, length 3:  shift count (at most 14)
 *   kind 4, length 2:  SACK permitted
 *   kind 5, length 2 + 8n (n = 1..4): left edge, right edge (32 bits each) per block
 *   kind 8, length 10: TSval, TSecr (32 bits each)
 * </pre>
 *
 * <p>Reading follows Linux ({@code tcp_parse_options}), as RFC 9293 §3.1 asks a receiver to be
 * prepared for illegal option lengths: an option of a known kind with the wrong length is
 * ignored; a length below 2 or past the header ends parsing, keeps what was read before it, and
 * sets {@link #malformed()} so that the drop of the rest is counted. Unknown kinds are skipped.
 * A window scale above 14 is used as 14 (RFC 7323 §2.3). Nothing here allocates.
 */
public final class TcpOptions {

  public static final int KIND_END = 0;
  public static final int KIND_NOP = 1;
  public static final int KIND_MSS = 2;
  public static final int KIND_WINDOW_SCALE = 3;
  public static final int KIND_SACK_PERMITTED = 4;
  public static final int KIND_SACK = 5;
  public static final int KIND_TIMESTAMPS = 8;
  /** The largest window shift (RFC 7323 §2.3). */
  public static final int MAX_WINDOW_SCALE = 14;
  /** SACK blocks that fit in the 40 bytes of options (RFC 2018 §3). */
  public static final int MAX_SACK_BLOCKS = 4;
  /** Option bytes a header can hold. */
  public static final int MAX_LENGTH = TcpPacket.MAX_HEADER_LENGTH - TcpPacket.MIN_HEADER_LENGTH;

  /** No MSS option: {@link #mss()}. */
  public static final int ABSENT = -1;

  private int mss = ABSENT;
  private int windowScale = ABSENT;
  private boolean sackPermitted;
  private boolean timestamps;
  private int timestampValue;
  private int timestampEcho;
  private int sackBlocks;
  private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
  private final int[] sackRight = new int[MAX_SACK_BLOCKS];
  private boolean malformed;

  /** Forgets every option: the holder as for a header without options. */
  public TcpOptions clear() {
    mss = ABSENT;
    windowScale = ABSENT;
    sackPermitted = false;
    timestamps = false;
    timestampValue = 0;
    timestampEcho = 0;
    sackBlocks = 0;
    malformed = false;
    return this;
  }

  /** Reads the options of {@code segment} (after {@link TcpPacket#check}). */
  public TcpOptions parse(TcpPacket segment) {
    return parse(segment.buffer(), segment.optionsOffset(), segment.optionsLength());
  }

  /** Reads {@code length} option bytes at absolute {@code index}. */
  public TcpOptions parse(ByteBuf buf, int index, int length) {
    clear();
    int i = index;
    int end = index + length;
    while (i < end) {
      int kind = buf.getUnsignedByte(i);
      if (kind == KIND_END) {
        break;
      }
      if (kind == KIND_NOP) {
        i++;
        continue;
      }
      if (i + 1 >= end) {
        malformed = true;
        break;
      }
      int size = buf.getUnsignedByte(i + 1);
      if (size < 2 || i + size > end) {
        malformed = true;
        break;
      }
      switch (kind) {
        case KIND_MSS -> {
          if (size == 4) {
            mss = buf.getUnsignedShort(i + 2);
          }
        }
        case KIND_WINDOW_SCALE -> {
          if (size == 3) {
            windowScale = Math.min(buf.getUnsignedByte(i + 2), MAX_WINDOW_SCALE);
          }
        }
        case KIND_SACK_PERMITTED -> {
          if (size == 2) {
            sackPermitted = true;
          }
        }
        case KIND_SACK -> {
          if (size >= 10 && (size - 2) % 8 == 0) {
            int n = Math.min((size - 2) / 8, MAX_SACK_BLOCKS);
            for (int b = 0; b < n; b++) {
              sackLeft[b] = buf.getInt(i + 2 + 8 * b);
              sackRight[b] = buf.getInt(i + 6 + 8 * b);
            }
            sackBlocks = n;
          }
        }
        case KIND_TIMESTAMPS -> {
          if (size == 10) {
            timestamps = true;
            timestampValue = buf.getInt(i + 2);
            timestampEcho = buf.getInt(i + 6);
          }
        }
        default -> {
          // Unknown kinds are skipped by their length (RFC 9293 §3.1).
        }
      }
      i += size;
    }
    return this;
  }

  /** The peer's MSS, or {@link #ABSENT}. */
  public int mss() {
    return mss;
  }

  public TcpOptions mss(int value) {
    if (value != ABSENT && (value & ~0xffff) != 0) {
      throw new IllegalArgumentException("MSS must be 0..65535, got " + value);
    }
    mss = value;
    return this;
  }

  /** The window shift count 0..14, or {@link #ABSENT} (no window scaling). */
  public int windowScale() {
    return windowScale;
  }

  public TcpOptions windowScale(int shift) {
    if (shift != ABSENT && (shift < 0 || shift > MAX_WINDOW_SCALE)) {
      throw new IllegalArgumentException("window scale must be 0..14, got " + shift);
    }
    windowScale = shift;
    return this;
  }

  public boolean sackPermitted() {
    return sackPermitted;
  }

  public TcpOptions sackPermitted(boolean permitted) {
    sackPermitted = permitted;
    return this;
  }

  public boolean hasTimestamps() {
    return timestamps;
  }

  public int timestampValue() {
    return timestampValue;
  }

  public int timestampEcho() {
    return timestampEcho;
  }

  /** Sets TSval and TSecr (RFC 7323 §3.2). */
  public TcpOptions timestamps(int value, int echo) {
    timestamps = true;
    timestampValue = value;
    timestampEcho = echo;
    return this;
  }

  public TcpOptions noTimestamps() {
    timestamps = false;
    return this;
  }

  /** SACK blocks read or to write, 0..4. */
  public int sackBlocks() {
    return sackBlocks;
  }

  public int sackLeft(int block) {
    return sackLeft[checkBlock(block)];
  }

  public int sackRight(int block) {
    return sackRight[checkBlock(block)];
  }

  /** Replaces the SACK blocks with none. */
  public TcpOptions clearSackBlocks() {
    sackBlocks = 0;
    return this;
  }

  /**
   * Appends a SACK block [left, right) (RFC 2018 §3).
   *
   * @throws IllegalStateException when four blocks are there already
   */
  public TcpOptions addSackBlock(int left, int right) {
    if (sackBlocks == MAX_SACK_BLOCKS) {
      throw new IllegalStateException("at most " + MAX_SACK_BLOCKS + " SACK blocks");
    }
    sackLeft[sackBlocks] = left;
    sackRight[sackBlocks] = right;
    sackBlocks++;
    return this;
  }

  private int checkBlock(int block) {
    if (block < 0 || block >= sackBlocks) {
      throw new IndexOutOfBoundsException("SACK block " + block + " of " + sackBlocks);
    }
    return block;
  }

  /** Whether the last {@link #parse} stopped at an option with an impossible length. */
  public boolean malformed() {
    return malformed;
  }

  /**
   * Bytes {@link #write} writes: the options in Linux's layout, padded with NOPs to a multiple of
   * 4. SACK blocks that do not fit beside the other options are left out (the newest first is
   * the caller's order to keep).
   */
  public int length() {
    int n = 0;
    if (mss != ABSENT) {
      n += 4;
    }
    if (sackPermitted && timestamps) {
      n += 12; // SACK_PERM + TS, 2 + 10
    } else {
      if (timestamps) {
        n += 12; // NOP NOP TS
      }
      if (sackPermitted) {
        n += 4; // NOP NOP SACK_PERM
      }
    }
    if (windowScale != ABSENT) {
      n += 4; // NOP WS
    }
    int blocks = sackBlocksThatFit(n);
    if (blocks > 0) {
      n += 4 + 8 * blocks; // NOP NOP SACK
    }
    return n;
  }

  private int sackBlocksThatFit(int used) {
    int room = (MAX_LENGTH - used - 4) / 8;
    return Math.max(0, Math.min(sackBlocks, room));
  }

  /**
   * Writes the options at absolute {@code index} ({@link #length()} bytes, a multiple of 4), in
   * the order and alignment Linux sends them: MSS; SACK-Permitted with Timestamps (or each after
   * two NOPs); NOP and Window Scale; two NOPs and SACK.
   *
   * @return the bytes written
   */
  public int write(ByteBuf buf, int index) {
    int i = index;
    if (mss != ABSENT) {
      buf.setByte(i, KIND_MSS);
      buf.setByte(i + 1, 4);
      buf.setShort(i + 2, mss);
      i += 4;
    }
    if (sackPermitted && timestamps) {
      buf.setByte(i, KIND_SACK_PERMITTED);
      buf.setByte(i + 1, 2);
      i = writeTimestamps(buf, i + 2);
    } else {
      if (timestamps) {
        buf.setByte(i, KIND_NOP);
        buf.setByte(i + 1, KIND_NOP);
        i = writeTimestamps(buf, i + 2);
      }
      if (sackPermitted) {
        buf.setByte(i, KIND_NOP);
        buf.setByte(i + 1, KIND_NOP);
        buf.setByte(i + 2, KIND_SACK_PERMITTED);
        buf.setByte(i + 3, 2);
        i += 4;
      }
    }
    if (windowScale != ABSENT) {
      buf.setByte(i, KIND_NOP);
      buf.setByte(i + 1, KIND_WINDOW_SCALE);
      buf.setByte(i + 2, 3);
      buf.setByte(i + 3, windowScale);
      i += 4;
    }
    int blocks = sackBlocksThatFit(i - index);
    if (blocks > 0) {
      buf.setByte(i, KIND_NOP);
      buf.setByte(i + 1, KIND_NOP);
      buf.setByte(i + 2, KIND_SACK);
      buf.setByte(i + 3, 2 + 8 * blocks);
      i += 4;
      for (int b = 0; b < blocks; b++) {
        buf.setInt(i, sackLeft[b]);
        buf.setInt(i + 4, sackRight[b]);
        i += 8;
      }
    }
    return i - index;
  }

  private int writeTimestamps(ByteBuf buf, int i) {
    buf.setByte(i, KIND_TIMESTAMPS);
    buf.setByte(i + 1, 10);
    buf.setInt(i + 2, timestampValue);
    buf.setInt(i + 6, timestampEcho);
    return i + 10;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("TcpOptions[");
    if (mss != ABSENT) {
      b.append("mss=").append(mss).append(' ');
    }
    if (windowScale != ABSENT) {
      b.append("wscale=").append(windowScale).append(' ');
    }
    if (sackPermitted) {
      b.append("sackOK ");
    }
    if (timestamps) {
      b.append("ts=").append(Integer.toUnsignedString(timestampValue)).append('/')
          .append(Integer.toUnsignedString(timestampEcho)).append(' ');
    }
    for (int i = 0; i < sackBlocks; i++) {
      b.append("sack=").append(Integer.toUnsignedString(sackLeft[i])).append('-')
          .append(Integer.toUnsignedString(sackRight[i])).append(' ');
    }
    if (malformed) {
      b.append("malformed ");
    }
    return b.toString().strip() + "]";
  }
}
