package io.morgana.xen.netfront;

import static io.morgana.xen.netfront.wire.NetifWire.*;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.morgana.xen.grant.GrantException;
import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.platform.Pages;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.ring.FrontRing;
import io.morgana.xen.ring.RingException;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.xenbus.FrontendDriver;
import io.morgana.xen.xenbus.XenbusException;
import io.morgana.xen.xenbus.XenbusFrontend;
import io.morgana.xen.xenbus.XenbusToolstack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Netif} over the Xen netif protocol ({@code /usr/include/xen/io/netif.h}, {@code
 * io/ring.h}), for the device {@code device/vif/<devid>} of its domain: what Linux's {@code
 * drivers/net/xen-netfront.c} is to a Linux guest, written to the rules Linux's netback enforces
 * ({@code drivers/net/xen-netback}).
 *
 * <p><b>Handshake</b> ({@link XenbusFrontend}): the backend must offer {@code feature-rx-copy=1};
 * one transaction writes single-page {@code tx-ring-ref}/{@code rx-ring-ref}, {@code
 * event-channel} (or {@code event-channel-tx}/{@code -rx} when the backend offers {@code
 * feature-split-event-channels}), {@code multi-queue-num-queues=1} when the backend has {@code
 * multi-queue-max-queues}, {@code request-rx-copy=1}, {@code feature-rx-notify=1}, {@code
 * feature-sg=1}, {@code feature-no-csum-offload=1} and {@code state=4} (straight to Connected, as
 * Linux netfront). {@code mac} and {@code mtu} come from the frontend directory (the toolstack's).
 * The receive ring is filled with writable-granted pages before the backend connects.
 *
 * <p><b>Grants</b>: a fixed pool, granted once per connection and reused for every packet (no
 * grant or revoke per packet): {@code grants - 2} pages (two are the rings), half read-only for
 * transmit, half writable for receive; the default fits far below Linux's {@code gntalloc} limit
 * of 1,024 grants per guest.
 *
 * <p><b>Transmit</b>: one slot per 4 KiB of frame, each in its own pool page at offset 0 (no slot
 * crosses a page); the first slot's {@code size} is the whole frame, later slots carry {@code
 * NETTXF_more_data} on all but the last; frames of more than one slot only when the backend offers
 * {@code feature-sg} (dropped and counted otherwise). The stack computes its own checksums ({@link Offloads}
 * says no transmit checksum offload), so no slot sets {@code NETTXF_csum_blank}.
 *
 * <p><b>Receive</b>: {@code more_data} fragments are assembled; extra-info slots are checked and
 * skipped; {@code NETRXF_data_validated} becomes {@link FrameHandler#RX_CHECKSUM_VERIFIED}; a
 * {@code status < 0}, a fragment outside its page or a frame longer than the MTU is dropped and
 * counted; {@code NETRXF_csum_blank} (forbidden by {@code feature-no-csum-offload}) is dropped.
 *
 * <p><b>Hostile backends</b>: a response id never asked or already answered, or ring indices out
 * of range, break the device: it reports the error, stops touching the rings and closes. Nothing
 * a backend writes makes the frontend read or write outside its own pages.
 *
 * <p><b>Link</b>: the backend closing takes the interface down (writes are dropped); the backend
 * returning (InitWait) reconnects it with fresh pages.
 *
 * <p>Threads: loop-confined ({@link #listen}, {@link #write} and the handshake on the loop); the
 * accessors from any thread.
 */
public final class XenNetfront implements Netif, FrontendDriver, Pollable {

  private static final Logger log = LoggerFactory.getLogger(XenNetfront.class);
  private static final int PAGE = Pages.PAGE_SIZE;
  private static final int ETH_HLEN = 14;
  /** Linux netfront: at most 18 slots per received packet (19 if the first is small). */
  private static final int MAX_RX_SLOTS = NR_SLOTS_MIN + 1;

  /** The default grant budget: 2 ring pages, 127 transmit and 127 receive pages. */
  public static final int DEFAULT_GRANTS = 256;

  private final XenPlatform platform;
  private final EventLoop loop;
  private final String path;
  private final MacAddress mac;
  private final int mtu;
  private final int txBuffers;
  private final int rxBuffers;
  private final XenbusFrontend xenbus;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final LoopBridge bridge;
  private EventLoop.Cancellable registration;

  private volatile FrameHandler handler;
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile String brokenReason;

  // Per connection (between initialise and disconnect).
  private Conn conn;
  /** Pages a backend still mapped at disconnect: released later. */
  private final List<SharedPages> lingering = new ArrayList<>();

  private volatile long rxFrames;
  private volatile long rxBytes;
  private volatile long rxDropped;
  private volatile long rxErrors;
  private volatile long txFrames;
  private volatile long txBytes;
  private volatile long txDropped;
  private volatile long txErrors;
  private volatile int connections;

  /** What one connection holds: rings, pools, ports. */
  private final class Conn {
    final int backendDomid;
    final SharedPages txRingPages;
    final SharedPages rxRingPages;
    final FrontRing tx;
    final FrontRing rx;
    final SharedPages txPool;
    final SharedPages rxPool;
    final ByteBuffer[] txViews;
    final ByteBuffer[] rxViews;
    final int txPort;
    int rxPort;
    boolean split;
    /** The backend's {@code feature-sg}: without it a frame must fit one slot (Linux netfront caps the MTU). */
    boolean backendSg;
    /** Free transmit buffer ids (= pool pages), a stack. */
    final int[] txFree;
    int txFreeCount;
    /** Whether transmit id i is in flight. */
    final boolean[] txInFlight;
    /** Free receive buffers, a stack. */
    final int[] rxFree;
    int rxFreeCount;
    /** The receive buffer posted in each rx ring slot. */
    final int[] rxSlotBuffer;
    // Packet being assembled.
    ByteBuf partial;
    int partialSlots;
    int partialFlags;
    boolean partialBad;
    boolean expectExtra;
    boolean inPacket;
    boolean backendUp;

    Conn(int backendDomid) {
      this.backendDomid = backendDomid;
      var grants = platform.grants();
      txRingPages = grants.share(backendDomid, 1, false);
      rxRingPages = grants.share(backendDomid, 1, false);
      tx = FrontRing.init(txRingPages.pages().segment(), SharedRingLayout.NETIF_TX_STRIDE);
      rx = FrontRing.init(rxRingPages.pages().segment(), SharedRingLayout.NETIF_RX_STRIDE);
      txPool = grants.share(backendDomid, txBuffers, true);
      rxPool = grants.share(backendDomid, rxBuffers, false);
      txViews = new ByteBuffer[txBuffers];
      for (int i = 0; i < txBuffers; i++) {
        txViews[i] = txPool.pages().page(i).asByteBuffer();
      }
      rxViews = new ByteBuffer[rxBuffers];
      for (int i = 0; i < rxBuffers; i++) {
        rxViews[i] = rxPool.pages().page(i).asByteBuffer();
      }
      txFree = new int[txBuffers];
      txInFlight = new boolean[txBuffers];
      for (int i = 0; i < txBuffers; i++) {
        txFree[i] = txBuffers - 1 - i;
      }
      txFreeCount = txBuffers;
      rxFree = new int[rxBuffers];
      for (int i = 0; i < rxBuffers; i++) {
        rxFree[i] = rxBuffers - 1 - i;
      }
      rxFreeCount = rxBuffers;
      rxSlotBuffer = new int[rx.size()];
      txPort = platform.events().allocUnbound(backendDomid);
      rxPort = platform.events().allocUnbound(backendDomid);
      platform.events().setHandler(txPort, p -> loop.wakeup());
      platform.events().setHandler(rxPort, p -> loop.wakeup());
    }

    void release() {
      if (partial != null) {
        partial.release();
        partial = null;
      }
      platform.events().close(txPort);
      if (rxPort >= 0) {
        platform.events().close(rxPort);
      }
      for (SharedPages p : List.of(txRingPages, rxRingPages, txPool, rxPool)) {
        endOrLinger(p);
      }
    }
  }

  /**
   * A netfront for {@code device/vif/<devid>} of {@code platform} with MAC {@code mac} and MTU
   * {@code mtu} (the frontend directory's {@code mac} and {@code mtu}, see {@link #readDeviceKeys}),
   * using at most {@code grants} grant references. Call {@link #start()} to begin the handshake.
   */
  public XenNetfront(XenPlatform platform, int devid, MacAddress mac, int mtu, int grants) {
    if (grants < 2 + 2 * (MAX_RX_SLOTS + 1)) {
      throw new IllegalArgumentException("a netfront needs at least " + (2 + 2 * (MAX_RX_SLOTS + 1)) + " grants, got " + grants);
    }
    if (mtu < 68 || mtu > MAX_TX_SIZE - ETH_HLEN) {
      throw new IllegalArgumentException("mtu out of range: " + mtu);
    }
    this.platform = platform;
    this.loop = platform.loop();
    this.bridge = new LoopBridge(loop);
    this.path = XenbusToolstack.frontendPath(platform.domid(), "vif", devid);
    this.mac = mac;
    this.mtu = mtu;
    int pool = grants - 2;
    int ring = SharedRingLayout.ringSize(PAGE, SharedRingLayout.NETIF_RX_STRIDE);
    this.rxBuffers = Math.min(ring, pool / 2);
    this.txBuffers = Math.min(ring, pool - rxBuffers);
    this.xenbus = new XenbusFrontend(platform.store(), loop, path, this);
  }

  /** The device's keys, read from the frontend directory: {@code mac} (required) and {@code mtu} (default 1500). */
  public record DeviceKeys(MacAddress mac, int mtu) {}

  /** Reads {@link DeviceKeys} of {@code device/vif/<devid>} asynchronously. */
  public static CompletionStage<DeviceKeys> readDeviceKeys(XenStore store, int domid, int devid) {
    String fe = XenbusToolstack.frontendPath(domid, "vif", devid);
    return store.read(fe + "/mac").thenCombine(store.readIfExists(fe + "/mtu"), (m, t) -> {
      int mtu = t.map(v -> Integer.parseInt(v.trim())).orElse(1500);
      return new DeviceKeys(MacAddress.parse(m.trim()), mtu);
    });
  }

  /** Registers with the loop and starts the xenbus handshake. Any thread. */
  public XenNetfront start() {
    bridge.post(() -> registration = loop.register(this));
    xenbus.start();
    return this;
  }

  /** The xenbus state machine (for tests and diagnostics). */
  public XenbusFrontend xenbus() {
    return xenbus;
  }

  /** Whether the backend is connected and frames flow. */
  public boolean isConnected() {
    return connected;
  }

  /** Why the device broke (a hostile or buggy backend), if it did. */
  public Optional<String> brokenReason() {
    return Optional.ofNullable(brokenReason);
  }

  /** Receive slots with {@code status < 0}, malformed fragments and backend protocol errors. */
  public long rxErrors() {
    return rxErrors;
  }

  /** Transmit responses with an error status. */
  public long txErrors() {
    return txErrors;
  }

  /** How many times the device connected. */
  public int connections() {
    return connections;
  }

  /** Transmit and receive pool pages, plus two ring pages: the grants in use while connected. */
  public int grantsInUse() {
    return txBuffers + rxBuffers + 2;
  }

  @Override
  public MacAddress mac() {
    return mac;
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public Offloads offloads() {
    return Offloads.NONE;
  }

  @Override
  public NetifStats stats() {
    return new NetifStats(rxFrames, rxBytes, rxDropped + rxErrors, txFrames, txBytes, txDropped);
  }

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  // ------------------------------------------------------------------------------- handshake

  @Override
  public void initialise(int backendDomid) {
    brokenReason = null;
    conn = new Conn(backendDomid);
    postRxBuffers(conn); // posted before Connected, as the backend expects
  }

  @Override
  public CompletionStage<Void> publish(XenStoreTransaction tx, String frontendPath) {
    Conn c = conn;
    String be = xenbus.backendPath().orElseThrow();
    return tx.readIfExists(be + "/feature-rx-copy").thenCompose(rxCopy -> {
      if (!"1".equals(rxCopy.map(String::trim).orElse("0"))) {
        return CompletableFuture.failedFuture(new XenbusException(
            "backend " + be + " does not offer feature-rx-copy=1: no copying receive path"));
      }
      return tx.readIfExists(be + "/feature-split-event-channels");
    }).thenCompose(split -> {
      c.split = "1".equals(split.map(String::trim).orElse("0"));
      return tx.readIfExists(be + "/feature-sg");
    }).thenCompose(sg -> {
      c.backendSg = "1".equals(sg.map(String::trim).orElse("0"));
      return tx.readIfExists(be + "/multi-queue-max-queues");
    }).thenCompose(maxQueues -> {
      List<String[]> keys = new ArrayList<>();
      keys.add(new String[] {"tx-ring-ref", Integer.toString(c.txRingPages.ref(0))});
      keys.add(new String[] {"rx-ring-ref", Integer.toString(c.rxRingPages.ref(0))});
      if (c.split) {
        keys.add(new String[] {"event-channel-tx", Integer.toString(c.txPort)});
        keys.add(new String[] {"event-channel-rx", Integer.toString(c.rxPort)});
      } else {
        keys.add(new String[] {"event-channel", Integer.toString(c.txPort)});
      }
      if (maxQueues.isPresent()) {
        keys.add(new String[] {"multi-queue-num-queues", "1"});
      }
      keys.add(new String[] {"request-rx-copy", "1"});
      keys.add(new String[] {"feature-rx-notify", "1"});
      keys.add(new String[] {"feature-sg", "1"});
      keys.add(new String[] {"feature-no-csum-offload", "1"});
      CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
      for (String[] kv : keys) {
        chain = chain.thenCompose(x -> tx.write(frontendPath + "/" + kv[0], kv[1]));
      }
      return chain;
    });
  }

  @Override
  public CompletionStage<Void> connect(String backendPath) {
    Conn c = conn;
    if (!c.split && c.rxPort >= 0) {
      platform.events().close(c.rxPort); // one channel for both rings
      c.rxPort = -1;
    }
    c.backendUp = true;
    connected = true;
    connections++;
    platform.events().notify(c.txPort); // kick once, as Linux netfront
    if (c.split) {
      platform.events().notify(c.rxPort);
    }
    loop.wakeup();
    log.debug("{}: connected to {} ({} tx, {} rx buffers)", path, backendPath, txBuffers, rxBuffers);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void disconnect() {
    connected = false;
    Conn c = conn;
    conn = null;
    if (c != null) {
      c.release();
    }
  }

  @Override
  public void onError(XenbusException error) {
    log.warn("{}: {}", path, error.getMessage());
  }

  private void endOrLinger(SharedPages pages) {
    try {
      pages.close();
    } catch (GrantException e) {
      lingering.add(pages); // the backend still maps it; try again later
    }
  }

  // ------------------------------------------------------------------------------- transmit

  @Override
  public boolean write(ByteBuf frame) {
    try {
      int len = frame.readableBytes();
      Conn c = conn;
      if (closed || !connected || c == null || !c.backendUp || len < ETH_HLEN || len > mtu + ETH_HLEN) {
        txDropped++;
        return false;
      }
      reapTx(c);
      int slots = (len + PAGE - 1) / PAGE;
      if (conn != c || c.txFreeCount < slots || c.tx.freeRequests() < slots || (slots > 1 && !c.backendSg)) {
        txDropped++;
        return false;
      }
      MemorySegment ring = c.tx.segment();
      int from = frame.readerIndex();
      for (int k = 0; k < slots; k++) {
        int chunk = Math.min(PAGE, len - k * PAGE);
        int id = c.txFree[--c.txFreeCount];
        c.txInFlight[id] = true;
        ByteBuffer view = c.txViews[id];
        view.clear().limit(chunk);
        frame.getBytes(from + k * PAGE, view);
        long at = c.tx.nextRequestSlot();
        int flags = k < slots - 1 ? NETTXF_MORE_DATA : 0;
        txRequest(ring, at, c.txPool.ref(id), 0, flags, id, k == 0 ? len : chunk);
      }
      if (c.tx.pushRequestsAndCheckNotify()) {
        platform.events().notify(c.txPort);
      }
      txFrames++;
      txBytes += len;
      return true;
    } finally {
      frame.release();
    }
  }

  /** Takes transmit responses: frees their buffers. */
  private void reapTx(Conn c) {
    try {
      do {
        int n = c.tx.unconsumedResponses();
        MemorySegment ring = c.tx.segment();
        for (int i = 0; i < n; i++) {
          long at = c.tx.nextResponseSlot();
          int id = u16(ring, at + TX_RSP_ID);
          int status = s16(ring, at + TX_RSP_STATUS);
          if (status == RSP_NULL) {
            continue; // pairs with an extra-info slot
          }
          if (id >= txBuffers || !c.txInFlight[id]) {
            broken("tx response for id " + id + ", never asked or already answered");
            return;
          }
          c.txInFlight[id] = false;
          c.txFree[c.txFreeCount++] = id;
          if (status != RSP_OKAY) {
            txErrors++;
          }
        }
      } while (c.tx.finalCheckForResponses());
    } catch (RingException e) {
      broken("tx ring: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------- receive

  @Override
  public boolean poll(long nowNanos) {
    retryLingering();
    Conn c = conn;
    if (c == null || !c.backendUp || closed) {
      return false;
    }
    int before = c.tx.rspCons() + c.rx.rspCons();
    reapTx(c);
    if (conn != c) {
      return true;
    }
    receive(c, nowNanos);
    return conn != c || c.tx.rspCons() + c.rx.rspCons() != before;
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }

  private void receive(Conn c, long nowNanos) {
    try {
      do {
        int n = c.rx.unconsumedResponses();
        MemorySegment ring = c.rx.segment();
        int mask = c.rx.size() - 1;
        for (int i = 0; i < n; i++) {
          int index = c.rx.rspCons();
          long at = c.rx.nextResponseSlot();
          int buffer = c.rxSlotBuffer[index & mask];
          c.rxFree[c.rxFreeCount++] = buffer; // the slot's buffer is free again, whatever it held
          if (c.expectExtra) {
            int type = u8(ring, at + EXTRA_TYPE);
            int flags = u8(ring, at + EXTRA_FLAGS);
            if (type < 1 || type >= EXTRA_TYPE_MAX) {
              c.partialBad = true;
              rxErrors++;
            }
            c.expectExtra = (flags & EXTRA_FLAG_MORE) != 0;
            if (!c.expectExtra && (c.partialFlags & NETRXF_MORE_DATA) == 0) {
              finishPacket(c, nowNanos);
            }
            continue;
          }
          int offset = u16(ring, at + RX_RSP_OFFSET);
          int flags = u16(ring, at + RX_RSP_FLAGS);
          int status = s16(ring, at + RX_RSP_STATUS);
          if (!c.inPacket) {
            c.inPacket = true;
            c.partialBad = false;
            c.partialSlots = 0;
            c.partialFlags = flags;
          } else {
            c.partialFlags = (c.partialFlags & ~NETRXF_MORE_DATA) | (flags & NETRXF_MORE_DATA);
          }
          c.partialSlots++;
          if (status < 0) {
            rxErrors++; // NETIF_RSP_ERROR / DROPPED
            c.partialBad = true;
          } else if (offset + status > PAGE) {
            rxErrors++;
            c.partialBad = true;
          } else if (c.partialSlots > MAX_RX_SLOTS) {
            c.partialBad = true;
          } else if (!c.partialBad) {
            if (c.partial == null) {
              c.partial = alloc.directBuffer(mtu + ETH_HLEN);
            }
            if (c.partial.readableBytes() + status > mtu + ETH_HLEN) {
              c.partialBad = true;
            } else {
              ByteBuffer view = c.rxViews[buffer];
              view.limit(offset + status).position(offset);
              c.partial.writeBytes(view);
            }
          }
          if ((flags & NETRXF_EXTRA_INFO) != 0 && c.partialSlots == 1) {
            c.expectExtra = true;
            continue;
          }
          if ((flags & NETRXF_MORE_DATA) == 0) {
            finishPacket(c, nowNanos);
          }
        }
        postRxBuffers(c);
      } while (c.rx.finalCheckForResponses());
    } catch (RingException e) {
      broken("rx ring: " + e.getMessage());
    }
  }

  private void finishPacket(Conn c, long nowNanos) {
    ByteBuf frame = c.partial;
    c.partial = null;
    c.inPacket = false;
    boolean bad = c.partialBad || frame == null || frame.readableBytes() < ETH_HLEN
        || (c.partialFlags & NETRXF_CSUM_BLANK) != 0;
    FrameHandler h = handler;
    if (bad || h == null) {
      rxDropped++;
      if (frame != null) {
        frame.release();
      }
      return;
    }
    int flags = (c.partialFlags & NETRXF_DATA_VALIDATED) != 0 ? FrameHandler.RX_CHECKSUM_VERIFIED : 0;
    rxFrames++;
    rxBytes += frame.readableBytes();
    try {
      h.onFrame(frame, nowNanos, flags);
    } catch (RuntimeException e) {
      log.warn("{}: frame handler threw", path, e);
    } finally {
      frame.release();
    }
  }

  /** Posts every free receive buffer: {@code rx_request {id = slot, gref}}. */
  private void postRxBuffers(Conn c) {
    int posted = 0;
    MemorySegment ring = c.rx.segment();
    int mask = c.rx.size() - 1;
    while (c.rxFreeCount > 0 && !c.rx.full()) {
      int buffer = c.rxFree[--c.rxFreeCount];
      int index = c.rx.reqProdPvt();
      long at = c.rx.nextRequestSlot();
      c.rxSlotBuffer[index & mask] = buffer;
      rxRequest(ring, at, index & mask, c.rxPool.ref(buffer));
      posted++;
    }
    if (posted > 0 && c.rx.pushRequestsAndCheckNotify() && c.backendUp) {
      platform.events().notify(c.split ? c.rxPort : c.txPort);
    }
  }

  private void retryLingering() {
    if (!lingering.isEmpty()) {
      lingering.removeIf(p -> {
        try {
          p.close();
          return true;
        } catch (GrantException e) {
          return false;
        }
      });
    }
  }

  /** A backend broke the protocol: report, stop using the rings, close the device. */
  private void broken(String reason) {
    if (brokenReason == null) {
      brokenReason = reason;
      rxErrors++;
      log.error("{}: backend broke the netif protocol, closing the device: {}", path, reason);
      Conn c = conn;
      if (c != null) {
        c.backendUp = false;
      }
      connected = false;
      xenbus.close();
    }
  }

  // ------------------------------------------------------------------------------- close

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    connected = false;
    xenbus.close();
    bridge.post(() -> {
      if (registration != null) {
        registration.cancel();
      }
    });
  }
}
