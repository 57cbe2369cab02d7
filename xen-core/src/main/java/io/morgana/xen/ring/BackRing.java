package io.morgana.xen.ring;

import static io.morgana.xen.ring.SharedRingLayout.REQ_EVENT_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.REQ_PROD_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.RING_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.RSP_EVENT_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.RSP_PROD_OFFSET;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The backend's view of a shared request/response ring: {@code struct name_back_ring} and the
 * backend macros of {@code /usr/include/xen/io/ring.h}. The backend consumes requests and
 * produces responses, one per request, in the slots the requests freed; {@code rsp_prod_pvt} and
 * {@code req_cons} are private to it. Ordering as in {@link FrontRing}, mirrored.
 *
 * <p>A frontend that moves {@code req_prod} more than a ring ahead of the responses ({@code
 * RING_REQUEST_PROD_OVERFLOW}) or backwards causes a {@link RingException}.
 *
 * <p>Threads: one thread at a time.
 */
public final class BackRing {

  private final MemorySegment sring;
  private final int stride;
  private final int size;
  private final int mask;
  private int rspProdPvt;
  private int reqCons;
  /** Requests up to here were validated by {@link #unconsumedRequests()}. */
  private int seenReqLimit;

  private BackRing(MemorySegment sring, int stride, int start) {
    int n = SharedRingLayout.ringSize(sring.byteSize(), stride);
    if (n < 1) {
      throw new IllegalArgumentException(
          "a ring of " + sring.byteSize() + " bytes holds no slot of " + stride + " bytes");
    }
    this.sring = sring;
    this.stride = stride;
    this.size = n;
    this.mask = n - 1;
    this.rspProdPvt = start;
    this.reqCons = start;
    this.seenReqLimit = start;
  }

  /** {@code BACK_RING_INIT}: attaches to a ring the frontend initialised, indices at 0. */
  public static BackRing attach(MemorySegment sring, int stride) {
    return new BackRing(sring, stride, 0);
  }

  /** {@code BACK_RING_ATTACH}: attaches to a live ring whose indices stand at {@code start}. */
  public static BackRing attach(MemorySegment sring, int stride, int start) {
    return new BackRing(sring, stride, start);
  }

  /** The shared ring memory. */
  public MemorySegment segment() {
    return sring;
  }

  /** {@code RING_SIZE}. */
  public int size() {
    return size;
  }

  /** Bytes per slot. */
  public int stride() {
    return stride;
  }

  /** {@code req_cons}. */
  public int reqCons() {
    return reqCons;
  }

  /** {@code rsp_prod_pvt}. */
  public int rspProdPvt() {
    return rspProdPvt;
  }

  /** Byte offset in {@link #segment()} of the slot of index {@code idx}. */
  public long slotOffset(int idx) {
    return RING_OFFSET + (long) (idx & mask) * stride;
  }

  /**
   * {@code RING_HAS_UNCONSUMED_REQUESTS}, validated: reads {@code req_prod} (acquire) and returns
   * how many requests may be consumed now (never more than there are free response slots).
   *
   * @throws RingException if {@code req_prod} is more than a ring ahead of the responses ({@code
   *     RING_REQUEST_PROD_OVERFLOW}) or behind {@code req_cons}
   */
  public int unconsumedRequests() {
    int prod = SharedRingLayout.load(sring, REQ_PROD_OFFSET);
    int outstanding = prod - rspProdPvt;
    if (Integer.compareUnsigned(outstanding, size) > 0) {
      throw new RingException(
          "req_prod " + Integer.toUnsignedString(prod) + " is more than " + size + " ahead of rsp_prod_pvt "
              + Integer.toUnsignedString(rspProdPvt) + " (RING_REQUEST_PROD_OVERFLOW)");
    }
    int req = prod - reqCons;
    if (Integer.compareUnsigned(req, outstanding) > 0) {
      throw new RingException(
          "req_prod " + Integer.toUnsignedString(prod) + " moved back behind req_cons "
              + Integer.toUnsignedString(reqCons));
    }
    int rsp = size - (reqCons - rspProdPvt);
    int n = Integer.compareUnsigned(req, rsp) < 0 ? req : rsp;
    seenReqLimit = reqCons + n;
    return n;
  }

  /**
   * Takes the next request: the slot at {@code req_cons}, then {@code req_cons++}. Only requests
   * counted by the last {@link #unconsumedRequests()} may be taken; copy the slot before
   * validating it ({@link #copyNextRequest}).
   *
   * @return the slot's byte offset in {@link #segment()}
   */
  public long nextRequestSlot() {
    if (reqCons == seenReqLimit) {
      throw new IllegalStateException("no unconsumed request (call unconsumedRequests first)");
    }
    return slotOffset(reqCons++);
  }

  /** {@code RING_COPY_REQUEST}: copies the next request into private memory and consumes it. */
  public void copyNextRequest(MemorySegment copy) {
    if (copy.byteSize() > stride) {
      throw new IllegalArgumentException("copy of " + copy.byteSize() + " bytes exceeds the slot: " + stride);
    }
    long at = nextRequestSlot();
    MemorySegment.copy(sring, at, copy, 0, copy.byteSize());
  }

  /**
   * Claims the slot for the next response ({@code RING_GET_RESPONSE(rsp_prod_pvt++)}).
   *
   * @throws IllegalStateException if every consumed request already has its response
   */
  public long nextResponseSlot() {
    if (rspProdPvt == reqCons) {
      throw new IllegalStateException("no consumed request left to answer");
    }
    return slotOffset(rspProdPvt++);
  }

  /** {@code RING_PUSH_RESPONSES}. */
  public void pushResponses() {
    SharedRingLayout.storeRelease(sring, RSP_PROD_OFFSET, rspProdPvt);
  }

  /**
   * {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}.
   *
   * @return whether the frontend asked to be notified of these responses
   */
  public boolean pushResponsesAndCheckNotify() {
    int old = SharedRingLayout.loadOpaque(sring, RSP_PROD_OFFSET);
    int now = rspProdPvt;
    SharedRingLayout.storeRelease(sring, RSP_PROD_OFFSET, now);
    VarHandle.fullFence();
    int event = SharedRingLayout.loadOpaque(sring, RSP_EVENT_OFFSET);
    return SharedRingLayout.needsNotify(old, now, event);
  }

  /**
   * {@code RING_FINAL_CHECK_FOR_REQUESTS}: whether requests are waiting; if none, sets {@code
   * req_event = req_cons + 1}, fences, and checks again.
   */
  public boolean finalCheckForRequests() {
    if (unconsumedRequests() != 0) {
      return true;
    }
    SharedRingLayout.storeOpaque(sring, REQ_EVENT_OFFSET, reqCons + 1);
    VarHandle.fullFence();
    return unconsumedRequests() != 0;
  }
}
