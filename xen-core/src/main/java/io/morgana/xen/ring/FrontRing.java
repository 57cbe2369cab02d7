package io.morgana.xen.ring;

import static io.morgana.xen.ring.SharedRingLayout.REQ_EVENT_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.REQ_PROD_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.RING_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.RSP_EVENT_OFFSET;
import static io.morgana.xen.ring.SharedRingLayout.RSP_PROD_OFFSET;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The frontend's view of a shared request/response ring: {@code struct name_front_ring} and the
 * frontend macros of {@code /usr/include/xen/io/ring.h}. The frontend produces requests and
 * consumes responses; {@code req_prod_pvt} and {@code rsp_cons} are private to it.
 *
 * <p>Memory ordering as Xen's barriers give it: slot stores happen before the {@code req_prod}
 * store (release, {@code xen_wmb}); the {@code req_prod} store happens before the {@code
 * req_event} load that decides a notification (full fence, {@code xen_mb}); the {@code rsp_prod}
 * load happens before slot loads (acquire, {@code xen_rmb}); the {@code rsp_event} store happens
 * before the final re-read of {@code rsp_prod} (full fence).
 *
 * <p>A backend that moves {@code rsp_prod} backwards or past the requests it was given causes a
 * {@link RingException}. Slot offsets are masked: nothing the peer writes reaches outside {@link
 * #segment()}.
 *
 * <p>Threads: one thread at a time (the kernel loop, or a driver's lock).
 */
public final class FrontRing {

  private final MemorySegment sring;
  private final int stride;
  private final int size;
  private final int mask;
  private int reqProdPvt;
  private int rspCons;
  /** {@code rsp_prod} as last validated: responses up to here may be consumed. */
  private int seenRspProd;

  private FrontRing(MemorySegment sring, int stride, int start) {
    int n = SharedRingLayout.ringSize(sring.byteSize(), stride);
    if (n < 1) {
      throw new IllegalArgumentException(
          "a ring of " + sring.byteSize() + " bytes holds no slot of " + stride + " bytes");
    }
    this.sring = sring;
    this.stride = stride;
    this.size = n;
    this.mask = n - 1;
    this.reqProdPvt = start;
    this.rspCons = start;
    this.seenRspProd = start;
  }

  /**
   * {@code XEN_FRONT_RING_INIT}: initialises the shared page ({@code SHARED_RING_INIT}: indices
   * 0, events 1, padding zeroed) and returns the frontend's view. Do this before granting the
   * page.
   *
   * @param sring the ring pages: {@code 4096 << order} bytes
   * @param stride {@code sizeof(union name_sring_entry)}
   */
  public static FrontRing init(MemorySegment sring, int stride) {
    SharedRingLayout.init(sring);
    return new FrontRing(sring, stride, 0);
  }

  /**
   * {@code FRONT_RING_ATTACH}: a view of an already initialised ring whose indices stand at
   * {@code start}.
   */
  public static FrontRing attach(MemorySegment sring, int stride, int start) {
    return new FrontRing(sring, stride, start);
  }

  /** The shared ring memory. */
  public MemorySegment segment() {
    return sring;
  }

  /** {@code RING_SIZE}: number of slots, a power of two. */
  public int size() {
    return size;
  }

  /** Bytes per slot. */
  public int stride() {
    return stride;
  }

  /** {@code req_prod_pvt}: index of the next request to fill. */
  public int reqProdPvt() {
    return reqProdPvt;
  }

  /** {@code rsp_cons}: index of the next response to consume. */
  public int rspCons() {
    return rspCons;
  }

  /** {@code RING_FREE_REQUESTS}. */
  public int freeRequests() {
    return size - (reqProdPvt - rspCons);
  }

  /** {@code RING_FULL}. */
  public boolean full() {
    return freeRequests() == 0;
  }

  /** Byte offset in {@link #segment()} of the slot of index {@code idx}. */
  public long slotOffset(int idx) {
    return RING_OFFSET + (long) (idx & mask) * stride;
  }

  /**
   * Claims the slot for the next request ({@code RING_GET_REQUEST(req_prod_pvt++)}); fill it
   * before pushing.
   *
   * @return the slot's byte offset in {@link #segment()}
   * @throws IllegalStateException if the ring is full
   */
  public long nextRequestSlot() {
    if (full()) {
      throw new IllegalStateException("request ring full (" + size + " outstanding)");
    }
    return slotOffset(reqProdPvt++);
  }

  /** {@code RING_PUSH_REQUESTS}: publishes the filled requests without deciding on an event. */
  public void pushRequests() {
    SharedRingLayout.storeRelease(sring, REQ_PROD_OFFSET, reqProdPvt);
  }

  /**
   * {@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY}: publishes the filled requests.
   *
   * @return whether the backend asked to be notified of them ({@code req_event} within the
   *     requests just published)
   */
  public boolean pushRequestsAndCheckNotify() {
    int old = SharedRingLayout.loadOpaque(sring, REQ_PROD_OFFSET);
    int now = reqProdPvt;
    SharedRingLayout.storeRelease(sring, REQ_PROD_OFFSET, now); // xen_wmb(); req_prod = new
    VarHandle.fullFence(); // xen_mb()
    int event = SharedRingLayout.loadOpaque(sring, REQ_EVENT_OFFSET);
    return SharedRingLayout.needsNotify(old, now, event);
  }

  /**
   * {@code RING_HAS_UNCONSUMED_RESPONSES}, validated: reads {@code rsp_prod} (acquire).
   *
   * @throws RingException if the backend moved {@code rsp_prod} past the ring ({@code
   *     RING_RESPONSE_PROD_OVERFLOW}), past the requests it was given, or backwards
   */
  public int unconsumedResponses() {
    int prod = SharedRingLayout.load(sring, RSP_PROD_OFFSET);
    int available = prod - rspCons;
    if (Integer.compareUnsigned(available, size) > 0) {
      throw new RingException(
          "rsp_prod " + Integer.toUnsignedString(prod) + " is more than " + size
              + " ahead of rsp_cons " + Integer.toUnsignedString(rspCons) + " (RING_RESPONSE_PROD_OVERFLOW)");
    }
    if (Integer.compareUnsigned(available, reqProdPvt - rspCons) > 0) {
      throw new RingException(
          "rsp_prod " + Integer.toUnsignedString(prod) + " answers requests never made (req_prod_pvt "
              + Integer.toUnsignedString(reqProdPvt) + ")");
    }
    seenRspProd = prod;
    return available;
  }

  /**
   * Takes the next response: the slot at {@code rsp_cons}, then {@code rsp_cons++}. Only
   * responses counted by the last {@link #unconsumedResponses()} may be taken. Copy the slot
   * before validating it ({@code RING_COPY_RESPONSE}); see {@link #copyNextResponse}.
   *
   * @return the slot's byte offset in {@link #segment()}
   * @throws IllegalStateException if no validated response is left
   */
  public long nextResponseSlot() {
    if (rspCons == seenRspProd) {
      throw new IllegalStateException("no unconsumed response (call unconsumedResponses first)");
    }
    return slotOffset(rspCons++);
  }

  /**
   * {@code RING_COPY_RESPONSE}: copies the next response into private memory (its first {@code
   * copy.byteSize()} bytes, at most one slot) and consumes it.
   */
  public void copyNextResponse(MemorySegment copy) {
    if (copy.byteSize() > stride) {
      throw new IllegalArgumentException("copy of " + copy.byteSize() + " bytes exceeds the slot: " + stride);
    }
    long at = nextResponseSlot();
    MemorySegment.copy(sring, at, copy, 0, copy.byteSize());
  }

  /**
   * {@code RING_FINAL_CHECK_FOR_RESPONSES}: whether responses are waiting; if none, first asks
   * for an event on the next one ({@code rsp_event = rsp_cons + 1}, full fence) and checks again,
   * so that a response published meanwhile is not missed.
   */
  public boolean finalCheckForResponses() {
    if (unconsumedResponses() != 0) {
      return true;
    }
    SharedRingLayout.storeOpaque(sring, RSP_EVENT_OFFSET, rspCons + 1);
    VarHandle.fullFence(); // xen_mb()
    return unconsumedResponses() != 0;
  }

  /** Asks for an event when {@code rsp_prod} passes {@code event} (batching, see ring.h). */
  public void setResponseEvent(int event) {
    SharedRingLayout.storeOpaque(sring, RSP_EVENT_OFFSET, event);
    VarHandle.fullFence();
  }
}
