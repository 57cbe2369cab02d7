package io.morgana.xen.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The layout of a shared ring page, {@code struct name_sring} from {@code DEFINE_RING_TYPES} in
 * {@code /usr/include/xen/io/ring.h} (x86_64; checked against the header by the C conformance
 * test):
 *
 * <pre>
 *  0         4           8          12          16     20                     64
 * +---------+-----------+----------+-----------+------+----------------------+------------
 * |req_prod |req_event  |rsp_prod  |rsp_event  | pvt  |     __pad[44]        | ring[0], ring[1], ...
 * +---------+-----------+----------+-----------+------+----------------------+------------
 * </pre>
 *
 * Indices are free-running {@code RING_IDX} (u32), little-endian. Slot {@code i} of a ring of
 * {@code n} entries (a power of two) starts at {@code 64 + (i & (n - 1)) * stride}, where
 * {@code stride} is {@code sizeof(union name_sring_entry)}.
 */
public final class SharedRingLayout {

  /** {@code offsetof(req_prod)}. */
  public static final int REQ_PROD_OFFSET = 0;
  /** {@code offsetof(req_event)}. */
  public static final int REQ_EVENT_OFFSET = 4;
  /** {@code offsetof(rsp_prod)}. */
  public static final int RSP_PROD_OFFSET = 8;
  /** {@code offsetof(rsp_event)}. */
  public static final int RSP_EVENT_OFFSET = 12;
  /** {@code offsetof(pvt)}, 4 bytes. */
  public static final int PVT_OFFSET = 16;
  /** {@code offsetof(__pad)}, 44 bytes. */
  public static final int PAD_OFFSET = 20;
  /** {@code offsetof(ring)}: where slot 0 starts. */
  public static final int RING_OFFSET = 64;

  /** Slot stride of {@code netif_tx} ({@code netif_tx_request}, 12 bytes). */
  public static final int NETIF_TX_STRIDE = 12;
  /** Slot stride of {@code netif_rx} ({@code netif_rx_request}/{@code _response}, 8 bytes). */
  public static final int NETIF_RX_STRIDE = 8;
  /** Slot stride of {@code blkif} on x86_64 ({@code blkif_request}, 112 bytes). */
  public static final int BLKIF_STRIDE = 112;
  /** Slot stride of the netif control ring ({@code xen_netif_ctrl_request}, 16 bytes). */
  public static final int NETIF_CTRL_STRIDE = 16;

  /** Bytes of one ring page ({@code XEN_PAGE_SIZE}). */
  public static final int PAGE_SIZE = 4096;

  static final VarHandle INDEX = ValueLayout.JAVA_INT.varHandle();

  private SharedRingLayout() {}

  /**
   * {@code __RING_SIZE}/{@code __CONST_RING_SIZE}: the number of slots in {@code ringBytes} bytes
   * (4096 per page) for slots of {@code stride} bytes, rounded down to a power of two as {@code
   * __RD32} does.
   *
   * @return the entry count, 0 if not even one slot fits
   */
  public static int ringSize(long ringBytes, int stride) {
    if (stride <= 0) {
      throw new IllegalArgumentException("stride must be positive: " + stride);
    }
    long raw = (ringBytes - RING_OFFSET) / stride;
    if (raw <= 0) {
      return 0;
    }
    return rd32(raw > 0xffff_ffffL ? 0xffff_ffffL : raw);
  }

  /** {@code __RD32(x)}: the largest power of two not above {@code x} (x below 2^32), or 0. */
  public static int rd32(long x) {
    if (x <= 0) {
      return 0;
    }
    long p = Long.highestOneBit(x);
    if (p > (1L << 30)) {
      return 1 << 30; // more slots than a segment index can address: not a real ring
    }
    return (int) p;
  }

  /** Ring bytes of a ring of {@code 2^order} pages ({@code ring-page-order}). */
  public static long ringBytes(int order) {
    if (order < 0 || order > 20) {
      throw new IllegalArgumentException("ring page order out of range: " + order);
    }
    return (long) PAGE_SIZE << order;
  }

  /** {@code SHARED_RING_INIT}: zeroes the header and sets both event indices to 1. */
  public static void init(MemorySegment sring) {
    sring.asSlice(0, RING_OFFSET).fill((byte) 0);
    INDEX.setRelease(sring, (long) REQ_EVENT_OFFSET, 1);
    INDEX.setRelease(sring, (long) RSP_EVENT_OFFSET, 1);
  }

  static int load(MemorySegment s, int offset) {
    return (int) INDEX.getAcquire(s, (long) offset);
  }

  static int loadOpaque(MemorySegment s, int offset) {
    return (int) INDEX.getOpaque(s, (long) offset);
  }

  static void storeRelease(MemorySegment s, int offset, int value) {
    INDEX.setRelease(s, (long) offset, value);
  }

  static void storeOpaque(MemorySegment s, int offset, int value) {
    INDEX.setOpaque(s, (long) offset, value);
  }

  /**
   * The notify test of {@code RING_PUSH_*_AND_CHECK_NOTIFY}: whether {@code event} lies in the
   * window {@code (old, new]} modulo 2^32.
   */
  public static boolean needsNotify(int oldProd, int newProd, int event) {
    return Integer.compareUnsigned(newProd - event, newProd - oldProd) < 0;
  }
}
