package io.morgana.xen.netfront.netback;

import static io.morgana.xen.netfront.wire.NetifWire.*;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.morgana.xen.grant.GrantException;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.platform.Pages;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.ring.BackRing;
import io.morgana.xen.ring.RingException;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.xenbus.BackendDriver;
import io.morgana.xen.xenbus.XenbusBackend;
import io.morgana.xen.xenbus.XenbusException;
import io.morgana.xen.xenbus.XenbusToolstack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A netif backend ({@code /usr/include/xen/io/netif.h}) in Java, bridging a frontend's vif to any
 * Morgana {@link Netif} (a switch port, a TAP device), as strict as Linux's {@code
 * drivers/net/xen-netback} about what it accepts:
 *
 * <ul>
 *   <li>state: connects only when the frontend is Connected (4); Initialised (3) is ignored
 *       ({@code frontend_changed}: {@code case XenbusStateInitialised: break;});
 *   <li>{@code request-rx-copy} must be 1 ({@code EOPNOTSUPP} otherwise) and {@code
 *       feature-rx-notify} must be 1 ("feature-rx-notify is mandatory");
 *   <li>{@code multi-queue-num-queues} must be 1..{@code multi-queue-max-queues} ("guest requested
 *       N queues, exceeding the maximum");
 *   <li>{@code tx-ring-ref}, {@code rx-ring-ref} and {@code event-channel} (or, with split event
 *       channels, {@code event-channel-tx}/{@code -rx}) must be present and map;
 *   <li>transmit ({@code xenvif_tx_build_gops}, {@code xenvif_count_requests}): a slot crossing its
 *       page ({@code offset + size > 4096}), a fragment larger than what the first slot's {@code
 *       size} leaves, a packet whose slots are not all published, more than {@value #FATAL_SLOTS}
 *       slots after the first ({@code fatal_skb_slots}), or an extra-info slot of unknown type disable the interface (Linux's {@code
 *       xenvif_fatal_tx_err}: "vif disabled"); a packet shorter than 14 bytes or of more than
 *       {@value io.morgana.xen.netfront.wire.NetifWire#NR_SLOTS_MIN} slots after the first ({@code
 *       XEN_NETBK_LEGACY_SLOTS_MAX}) is answered {@code
 *       NETIF_RSP_ERROR} and dropped; every slot gets exactly one response, {@code
 *       NETIF_RSP_NULL} for extra-info slots;
 *   <li>receive: copies into the frontend's posted pages ({@code GNTTABOP_copy}), one response in
 *       the slot of each request it consumed; multi-slot packets only with {@code feature-sg};
 *       frames wait (bounded) for posted requests.
 * </ul>
 *
 * <p>Threads: loop-confined (the backend domain's loop).
 */
public final class XenNetback implements BackendDriver, Pollable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(XenNetback.class);
  private static final int PAGE = Pages.PAGE_SIZE;
  /** Linux's {@code fatal_skb_slots} default ({@code XEN_NETBK_LEGACY_SLOTS_MAX}). */
  static final int FATAL_SLOTS = 20;
  private static final int MAX_QUEUED = 512;

  /**
   * What this backend advertises.
   *
   * @param splitEventChannels {@code feature-split-event-channels}
   * @param maxQueues {@code multi-queue-max-queues}; this backend serves one queue, so a frontend
   *     asking for more than this fails
   * @param sg {@code feature-sg}
   */
  public record Features(boolean splitEventChannels, int maxQueues, boolean sg) {
    /** What Linux netback offers, minus multiple queues. */
    public static final Features LINUX = new Features(true, 1, true);
  }

  private final XenPlatform platform;
  private final EventLoop loop;
  private final Netif bridge;
  private final Features features;
  private final XenbusBackend xenbus;
  private final LoopBridge loopBridge;
  private final ArrayDeque<ByteBuf> rxQueue = new ArrayDeque<>();
  private final MemorySegment scratch = Arena.ofAuto().allocate(MAX_TX_SIZE + PAGE, 8);
  private final ByteBuffer scratchView = scratch.asByteBuffer();
  private final MemorySegment slot = Arena.ofAuto().allocate(16, 8);

  private EventLoop.Cancellable registration;
  private volatile boolean connected;
  private volatile String disabledReason;
  private int frontDomid;
  private MappedGrants txMap;
  private MappedGrants rxMap;
  private BackRing tx;
  private BackRing rx;
  private int txPort = -1;
  private int rxPort = -1;
  private boolean frontSg;
  private volatile long txPackets;
  private volatile long rxPackets;
  private volatile long txErrors;
  private volatile long rxDropped;
  private volatile int connections;

  /**
   * A backend in {@code platform} (the backend domain) for {@code /local/domain/<be>/backend/vif/
   * <frontDomid>/<devid>}, bridging to {@code bridge}. {@link #start()} advertises and waits.
   */
  public XenNetback(XenPlatform platform, int frontDomid, int devid, Netif bridge, Features features) {
    this.platform = platform;
    this.loop = platform.loop();
    this.bridge = bridge;
    this.features = features;
    this.loopBridge = new LoopBridge(loop);
    this.xenbus = new XenbusBackend(platform.store(), loop,
        XenbusToolstack.backendPath(platform.domid(), "vif", frontDomid, devid), this);
  }

  /**
   * The toolstack's part: creates {@code device/vif/<devid>} of {@code frontDomid} with its
   * backend in {@code backDomid}, and writes {@code mac} and {@code mtu} in both directories.
   */
  public static CompletionStage<String> createVif(
      XenStore dom0, int frontDomid, int backDomid, int devid, MacAddress mac, int mtu) {
    String be = XenbusToolstack.backendPath(backDomid, "vif", frontDomid, devid);
    return XenbusToolstack.createDevice(dom0, frontDomid, backDomid, "vif", devid).thenCompose(fe ->
        dom0.write(fe + "/mac", mac.toString())
            .thenCompose(x -> dom0.write(fe + "/mtu", Integer.toString(mtu)))
            .thenCompose(x -> dom0.write(fe + "/handle", Integer.toString(devid)))
            .thenCompose(x -> dom0.write(be + "/mac", mac.toString()))
            .thenCompose(x -> dom0.write(be + "/handle", Integer.toString(devid)))
            .thenApply(x -> fe));
  }

  /** Registers with the loop, listens on the bridge, advertises (InitWait). Any thread. */
  public XenNetback start() {
    loopBridge.post(() -> {
      registration = loop.register(this);
      bridge.listen(this::fromBridge);
    });
    xenbus.start();
    return this;
  }

  /** The xenbus state machine. */
  public XenbusBackend xenbus() {
    return xenbus;
  }

  /** Whether a frontend is connected. */
  public boolean isConnected() {
    return connected;
  }

  /** Why the interface was disabled (a fatal transmit error, as Linux's "vif disabled"). */
  public Optional<String> disabledReason() {
    return Optional.ofNullable(disabledReason);
  }

  /** Packets taken from the frontend and handed to the bridge. */
  public long txPackets() {
    return txPackets;
  }

  /** Transmit packets answered with an error. */
  public long txErrors() {
    return txErrors;
  }

  /** Packets copied to the frontend. */
  public long rxPackets() {
    return rxPackets;
  }

  /** Frames from the bridge dropped (not connected, no room, too big without feature-sg). */
  public long rxDropped() {
    return rxDropped;
  }

  /** How many times a frontend connected. */
  public int connections() {
    return connections;
  }

  // ------------------------------------------------------------------------------- handshake

  @Override
  public CompletionStage<Void> advertise(XenStoreTransaction tx, String backendPath) {
    return tx.write(backendPath + "/feature-sg", features.sg() ? "1" : "0")
        .thenCompose(x -> tx.write(backendPath + "/feature-gso-tcpv4", "0"))
        .thenCompose(x -> tx.write(backendPath + "/feature-gso-tcpv6", "0"))
        .thenCompose(x -> tx.write(backendPath + "/feature-rx-copy", "1"))
        .thenCompose(x -> tx.write(backendPath + "/feature-rx-flip", "0"))
        .thenCompose(x -> tx.write(backendPath + "/feature-split-event-channels", features.splitEventChannels() ? "1" : "0"))
        .thenCompose(x -> tx.write(backendPath + "/multi-queue-max-queues", Integer.toString(features.maxQueues())));
  }

  @Override
  public boolean connectsOnInitialised() {
    return false; // Linux netback: "case XenbusStateInitialised: break;"
  }

  @Override
  public CompletionStage<Void> connect(String fe, int domid) {
    XenStore store = platform.store();
    String[] v = new String[9];
    String[] keys = {"multi-queue-num-queues", "tx-ring-ref", "rx-ring-ref", "event-channel", "event-channel-tx",
        "event-channel-rx", "request-rx-copy", "feature-rx-notify", "feature-sg"};
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < keys.length; i++) {
      int k = i;
      chain = chain.thenCompose(x -> store.readIfExists(fe + "/" + keys[k]).thenAccept(o -> v[k] = o.map(String::trim).orElse(null)));
    }
    return chain.thenRun(() -> {
      int queues = parse(v[0] == null ? "1" : v[0], "multi-queue-num-queues");
      if (queues < 1 || queues > features.maxQueues()) {
        throw new XenbusException("guest requested " + queues + " queues, exceeding the maximum of " + features.maxQueues());
      }
      if (!"1".equals(v[6])) {
        throw new XenbusException(fe + ": request-rx-copy is " + v[6] + ", must be 1 (EOPNOTSUPP: no rx-flip)");
      }
      if (!"1".equals(v[7])) {
        throw new XenbusException(fe + ": feature-rx-notify is mandatory");
      }
      if (v[1] == null || v[2] == null) {
        throw new XenbusException(fe + ": reading tx-ring-ref/rx-ring-ref: missing");
      }
      int txRef = parse(v[1], "tx-ring-ref");
      int rxRef = parse(v[2], "rx-ring-ref");
      int txEvt;
      int rxEvt;
      if (features.splitEventChannels() && v[4] != null && v[5] != null) {
        txEvt = parse(v[4], "event-channel-tx");
        rxEvt = parse(v[5], "event-channel-rx");
      } else if (v[3] != null) {
        txEvt = rxEvt = parse(v[3], "event-channel");
      } else {
        throw new XenbusException(fe + ": reading event-channel: missing");
      }
      frontSg = "1".equals(v[8]);
      frontDomid = domid;
      try {
        txMap = platform.grants().map(domid, txRef, false);
        rxMap = platform.grants().map(domid, rxRef, false);
        tx = BackRing.attach(txMap.segment(), SharedRingLayout.NETIF_TX_STRIDE);
        rx = BackRing.attach(rxMap.segment(), SharedRingLayout.NETIF_RX_STRIDE);
        txPort = platform.events().bindInterdomain(domid, txEvt);
        rxPort = rxEvt == txEvt ? txPort : platform.events().bindInterdomain(domid, rxEvt);
      } catch (RuntimeException e) {
        unmap();
        throw new XenbusException(fe + ": mapping rings or binding event channels failed: " + e.getMessage(), e);
      }
      platform.events().setHandler(txPort, p -> loop.wakeup());
      if (rxPort != txPort) {
        platform.events().setHandler(rxPort, p -> loop.wakeup());
      }
      disabledReason = null;
      connected = true;
      connections++;
      loop.wakeup();
    });
  }

  private static int parse(String value, String key) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new XenbusException(key + " is not a number: " + value);
    }
  }

  @Override
  public void disconnect() {
    connected = false;
    unmap();
    while (!rxQueue.isEmpty()) {
      rxQueue.poll().release();
    }
  }

  private void unmap() {
    if (txPort >= 0) {
      platform.events().close(txPort);
    }
    if (rxPort >= 0 && rxPort != txPort) {
      platform.events().close(rxPort);
    }
    txPort = rxPort = -1;
    if (txMap != null) {
      txMap.close();
    }
    if (rxMap != null) {
      rxMap.close();
    }
    txMap = rxMap = null;
    tx = rx = null;
  }

  @Override
  public void onError(XenbusException error) {
    log.warn("netback: {}", error.getMessage());
  }

  /** Takes the backend away (Closing, then Closed): the frontend's link goes down. */
  public void closeDevice() {
    xenbus.close();
  }

  /** Brings a closed backend back (InitWait): the frontend reconnects. */
  public void restartDevice() {
    xenbus.restart();
  }

  @Override
  public void close() {
    xenbus.close();
    loopBridge.post(() -> {
      if (registration != null) {
        registration.cancel();
      }
    });
  }

  // ------------------------------------------------------------------------------- polling

  @Override
  public boolean poll(long nowNanos) {
    if (!connected || disabledReason != null) {
      return false;
    }
    boolean worked = false;
    try {
      worked |= transmit();
      worked |= drainRx();
    } catch (RingException e) {
      disable("ring: " + e.getMessage());
    }
    return worked;
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }

  private void disable(String reason) {
    if (disabledReason == null) {
      disabledReason = reason;
      log.warn("netback: vif disabled: {}", reason);
    }
  }

  // ------------------------------------------------------------------------------- frontend -> bridge

  private boolean transmit() {
    boolean worked = false;
    do {
      int work = tx.unconsumedRequests();
      while (work > 0 && disabledReason == null) {
        int used = onePacket(work);
        if (used <= 0) {
          return worked;
        }
        work -= used;
        worked = true;
      }
      if (disabledReason != null) {
        return worked;
      }
      if (tx.pushResponsesAndCheckNotify()) {
        platform.events().notify(txPort);
      }
    } while (tx.finalCheckForRequests());
    return worked;
  }

  /** Takes one packet of up to {@code work} published slots; returns the slots used, 0 if disabled. */
  private int onePacket(int work) {
    MemorySegment ring = tx.segment();
    int cons = tx.reqCons();
    long first = tx.slotOffset(cons);
    int firstFlags = u16(ring, first + TX_REQ_FLAGS);
    int total = u16(ring, first + TX_REQ_SIZE);
    int firstOffset = u16(ring, first + TX_REQ_OFFSET);
    int slots = 1;
    // Extra-info slots follow the first request (xenvif_get_extras).
    int extras = 0;
    if ((firstFlags & NETTXF_EXTRA_INFO) != 0) {
      boolean more = true;
      while (more) {
        if (slots >= work) {
          disable("Missing extra info");
          return 0;
        }
        long at = tx.slotOffset(cons + slots);
        int type = u8(ring, at + EXTRA_TYPE);
        if (type < 1 || type >= EXTRA_TYPE_MAX) {
          disable("Invalid extra type: " + type);
          return 0;
        }
        more = (u8(ring, at + EXTRA_FLAGS) & EXTRA_FLAG_MORE) != 0;
        slots++;
        extras++;
      }
    }
    // Fragments (xenvif_count_requests).
    int firstData = total;
    int frags = 0;
    boolean more = (firstFlags & NETTXF_MORE_DATA) != 0;
    while (more) {
      if (slots >= work) {
        disable("Asked for " + (slots + 1) + " slots but exceeds this limit");
        return 0;
      }
      if (frags >= FATAL_SLOTS) { // xenvif_count_requests counts the slots after the first
        disable("Malicious frontend using " + (frags + 1) + " slots, threshold " + FATAL_SLOTS);
        return 0;
      }
      long at = tx.slotOffset(cons + slots);
      int size = u16(ring, at + TX_REQ_SIZE);
      int offset = u16(ring, at + TX_REQ_OFFSET);
      if (size > firstData) {
        disable("Packet is bigger than frame");
        return 0;
      }
      if (offset + size > PAGE) {
        disable("Cross page boundary, txp->offset: " + offset + ", size: " + size);
        return 0;
      }
      firstData -= size;
      more = (u16(ring, at + TX_REQ_FLAGS) & NETTXF_MORE_DATA) != 0;
      slots++;
      frags++;
    }
    if (firstOffset + firstData > PAGE) {
      disable("Cross page boundary, txreq.offset: " + firstOffset + ", size: " + firstData);
      return 0;
    }
    // Checks that drop the packet without disabling.
    int status = RSP_OKAY;
    if (frags > NR_SLOTS_MIN || total < 14) { // XEN_NETBK_LEGACY_SLOTS_MAX: -E2BIG, dropped
      status = RSP_ERROR;
    }
    ByteBuf packet = null;
    if (status == RSP_OKAY) {
      try {
        int at = 0;
        for (int k = 0; k < slots; k++) {
          if (k >= 1 && k <= extras) {
            continue;
          }
          long s = tx.slotOffset(cons + k);
          int gref = u32(ring, s + TX_REQ_GREF);
          int offset = u16(ring, s + TX_REQ_OFFSET);
          int size = k == 0 ? firstData : u16(ring, s + TX_REQ_SIZE);
          if (size > 0) {
            platform.grants().copyFrom(frontDomid, gref, offset, scratch.asSlice(at, size));
          }
          at += size;
        }
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(total);
        scratchView.clear().limit(total);
        packet.writeBytes(scratchView);
      } catch (GrantException | IllegalArgumentException | IndexOutOfBoundsException e) {
        status = RSP_ERROR;
        if (packet != null) {
          packet.release();
          packet = null;
        }
      }
    }
    // One response per slot, in order: the first, NULLs for extras, then the fragments.
    for (int k = 0; k < slots; k++) {
      tx.copyNextRequest(slot.asSlice(0, TX_REQ_BYTES));
      int id = u16(slot, TX_REQ_ID);
      long r = tx.nextResponseSlot();
      txResponse(ring, r, id, k >= 1 && k <= extras ? RSP_NULL : status);
    }
    if (packet != null) {
      txPackets++;
      bridge.write(packet);
    } else {
      txErrors++;
    }
    return slots;
  }

  // ------------------------------------------------------------------------------- bridge -> frontend

  private void fromBridge(ByteBuf frame, long arrivalNanos, int flags) {
    if (!connected || disabledReason != null || rxQueue.size() >= MAX_QUEUED) {
      rxDropped++;
      return;
    }
    rxQueue.add(frame.retain());
    drainRx();
  }

  private boolean drainRx() {
    if (!connected || rx == null) {
      return false;
    }
    boolean worked = false;
    MemorySegment ring = rx.segment();
    while (!rxQueue.isEmpty()) {
      ByteBuf frame = rxQueue.peek();
      int len = frame.readableBytes();
      int slots = Math.max(1, (len + PAGE - 1) / PAGE);
      if (slots > 1 && !frontSg) {
        rxQueue.poll().release();
        rxDropped++;
        continue;
      }
      int available = rx.unconsumedRequests();
      if (available < slots) {
        if (!rx.finalCheckForRequests() || rx.unconsumedRequests() < slots) {
          break; // wait for the frontend to post (it promised an event: feature-rx-notify)
        }
      }
      rxQueue.poll();
      frame.getBytes(frame.readerIndex(), scratchView.clear().limit(len));
      for (int k = 0; k < slots; k++) {
        int chunk = Math.min(PAGE, len - k * PAGE);
        rx.copyNextRequest(slot.asSlice(0, RX_REQ_BYTES));
        int id = u16(slot, RX_REQ_ID);
        int gref = u32(slot, RX_REQ_GREF);
        int status = chunk;
        try {
          platform.grants().copyTo(frontDomid, gref, 0, scratch.asSlice((long) k * PAGE, chunk));
        } catch (GrantException | IllegalArgumentException | IndexOutOfBoundsException e) {
          status = RSP_ERROR;
        }
        long r = rx.nextResponseSlot(); // the slot of the request just consumed
        int flags = k < slots - 1 ? NETRXF_MORE_DATA : 0;
        rxResponse(ring, r, id, 0, flags, status);
      }
      frame.release();
      rxPackets++;
      worked = true;
    }
    if (worked && rx.pushResponsesAndCheckNotify()) {
      platform.events().notify(rxPort);
    }
    return worked;
  }
}
