package io.morgana.xen.blkfront.blkback;

import static io.morgana.xen.blkfront.wire.BlkifWire.*;

import io.morgana.api.Block;
import io.morgana.api.BlockInfo;
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
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blkif backend ({@code /usr/include/xen/io/blkif.h}) in Java serving any Morgana {@link Block},
 * as strict as Linux's {@code drivers/block/xen-blkback}:
 *
 * <ul>
 *   <li>handshake ({@code xenbus.c connect_ring}): connects at frontend Initialised or Connected;
 *       {@code ring-page-order} above {@code max-ring-page-order}, missing {@code ring-ref}/{@code
 *       ring-refN} or {@code event-channel}, an unknown {@code protocol} (this backend serves
 *       {@code x86_64-abi}), or {@code multi-queue-num-queues} above its maximum are refused (the
 *       backend closes); on connect it writes {@code sectors} (512-byte units), {@code info}, {@code
 *       sector-size}, {@code physical-sector-size}, {@code feature-flush-cache}, {@code
 *       feature-barrier=0}, {@code feature-discard} with granularity and alignment, {@code
 *       feature-persistent}; it advertises {@code feature-max-indirect-segments}, {@code
 *       max-ring-page-order} and {@code multi-queue-max-queues} before InitWait;
 *   <li>requests ({@code blkback.c dispatch_rw_block_io}, {@code xen_blkbk_parse_indirect}):
 *       read/write with 1..11 segments, each {@code first_sect ≤ last_sect ≤ 7}; indirect with
 *       1..{@code feature-max-indirect-segments} segments of read or write; writes to a read-only
 *       device; access beyond the end; all answered {@code BLKIF_RSP_ERROR}; barrier, and discard
 *       when the disk cannot, {@code BLKIF_RSP_EOPNOTSUPP}; unknown operations {@code
 *       BLKIF_RSP_ERROR}.
 * </ul>
 *
 * Data moves by grant copy; the {@link Block} runs off the loop ({@link LoopBridge#offload}), so
 * responses complete out of order, answered by {@code id}.
 *
 * <p>Threads: loop-confined (the backend domain's loop).
 */
public final class XenBlkback implements BackendDriver, Pollable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(XenBlkback.class);
  private static final int PAGE = Pages.PAGE_SIZE;

  /**
   * What this backend offers.
   *
   * @param maxIndirectSegments {@code feature-max-indirect-segments} (Linux: 256), 0 for none
   * @param maxRingPageOrder {@code max-ring-page-order} (Linux: 4)
   * @param maxQueues {@code multi-queue-max-queues}
   * @param persistent {@code feature-persistent}
   */
  public record Features(int maxIndirectSegments, int maxRingPageOrder, int maxQueues, boolean persistent) {
    /** What Linux blkback offers, with one queue. */
    public static final Features LINUX = new Features(256, 4, 1, true);
  }

  private final XenPlatform platform;
  private final EventLoop loop;
  private final LoopBridge bridge;
  private final Block disk;
  private final Features features;
  private final XenbusBackend xenbus;
  private final MemorySegment slot = Arena.ofAuto().allocate(REQ_BYTES, 8);
  private EventLoop.Cancellable registration;
  private volatile boolean connected;
  private int frontDomid;
  private MappedGrants ringMap;
  private BackRing ring;
  private int port = -1;
  private int generation;
  private volatile long requests;
  private volatile long errors;
  private volatile int inFlight;
  private volatile int maxInFlight;
  private volatile int discardGranularity;

  /** A backend in {@code platform} for {@code backend/vbd/<frontDomid>/<devid>} serving {@code disk}. */
  public XenBlkback(XenPlatform platform, int frontDomid, int devid, Block disk, Features features) {
    this.platform = platform;
    this.loop = platform.loop();
    this.bridge = new LoopBridge(loop);
    this.disk = disk;
    this.features = features;
    this.xenbus = new XenbusBackend(platform.store(), loop,
        XenbusToolstack.backendPath(platform.domid(), "vbd", frontDomid, devid), this);
  }

  /** The toolstack's part: {@code device/vbd/<devid>} with {@code virtual-device}, {@code device-type} and {@code mode}. */
  public static CompletionStage<String> createVbd(XenStore dom0, int frontDomid, int backDomid, int devid, boolean readOnly) {
    String be = XenbusToolstack.backendPath(backDomid, "vbd", frontDomid, devid);
    return XenbusToolstack.createDevice(dom0, frontDomid, backDomid, "vbd", devid).thenCompose(fe ->
        dom0.write(fe + "/virtual-device", Integer.toString(devid))
            .thenCompose(x -> dom0.write(fe + "/device-type", "disk"))
            .thenCompose(x -> dom0.write(be + "/mode", readOnly ? "r" : "w"))
            .thenApply(x -> fe));
  }

  /**
   * Advertises {@code discard-granularity} of {@code bytes} (a multiple of the disk's sector size)
   * instead of one sector; discards that are not whole granules are refused with {@code
   * BLKIF_RSP_ERROR}, as a device with that granularity cannot honour them. Call before {@link
   * #start()}.
   */
  public XenBlkback withDiscardGranularity(int bytes) {
    if (bytes < disk.info().sectorSize() || bytes % disk.info().sectorSize() != 0) {
      throw new IllegalArgumentException("discard granularity must be a multiple of the sector size: " + bytes);
    }
    this.discardGranularity = bytes;
    return this;
  }

  /** Registers with the loop and advertises (InitWait). Any thread. */
  public XenBlkback start() {
    bridge.post(() -> registration = loop.register(this));
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

  /** Requests taken. */
  public long requests() {
    return requests;
  }

  /** Requests answered with an error (or EOPNOTSUPP). */
  public long errors() {
    return errors;
  }

  /** The most requests that were in flight at once. */
  public int maxInFlight() {
    return maxInFlight;
  }

  @Override
  public CompletionStage<Void> advertise(XenStoreTransaction tx, String be) {
    CompletionStage<Void> s = tx.write(be + "/max-ring-page-order", Integer.toString(features.maxRingPageOrder()))
        .thenCompose(x -> tx.write(be + "/multi-queue-max-queues", Integer.toString(features.maxQueues())));
    if (features.maxIndirectSegments() > 0) {
      s = s.thenCompose(x -> tx.write(be + "/feature-max-indirect-segments", Integer.toString(features.maxIndirectSegments())));
    }
    return s;
  }

  @Override
  public CompletionStage<Void> connect(String fe, int domid) {
    XenStore store = platform.store();
    String[] keys = {"ring-page-order", "ring-ref", "event-channel", "protocol", "multi-queue-num-queues", "feature-persistent"};
    String[] v = new String[keys.length];
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < keys.length; i++) {
      int k = i;
      chain = chain.thenCompose(x -> store.readIfExists(fe + "/" + keys[k]).thenAccept(o -> v[k] = o.map(String::trim).orElse(null)));
    }
    int[][] refs = new int[1][];
    return chain.thenCompose(x -> {
      int order = v[0] == null ? 0 : parse(v[0], "ring-page-order");
      if (order < 0 || order > features.maxRingPageOrder()) {
        throw new XenbusException(fe + ": requested ring page order " + order + " exceed max:" + features.maxRingPageOrder());
      }
      int queues = v[4] == null ? 1 : parse(v[4], "multi-queue-num-queues");
      if (queues < 1 || queues > features.maxQueues()) {
        throw new XenbusException(fe + ": Number of requested queues " + queues + " more than maximum " + features.maxQueues());
      }
      if (v[3] != null && !PROTOCOL_X86_64.equals(v[3])) {
        throw new XenbusException(fe + ": unknown fe protocol " + v[3]);
      }
      if (v[2] == null) {
        throw new XenbusException(fe + ": reading event-channel: missing");
      }
      int pages = 1 << order;
      refs[0] = new int[pages];
      if (v[0] == null) {
        if (v[1] == null) {
          throw new XenbusException(fe + ": reading ring-ref: missing");
        }
        refs[0][0] = parse(v[1], "ring-ref");
        return CompletableFuture.completedFuture(null);
      }
      CompletionStage<Void> r = CompletableFuture.completedFuture(null);
      for (int i = 0; i < pages; i++) {
        int k = i;
        r = r.thenCompose(y -> store.readIfExists(fe + "/ring-ref" + k).thenAccept(o -> {
          if (o.isEmpty()) {
            throw new XenbusException(fe + ": reading ring-ref" + k + ": missing");
          }
          refs[0][k] = parse(o.get().trim(), "ring-ref" + k);
        }));
      }
      return r;
    }).thenCompose(x -> {
      int evtchn = parse(v[2], "event-channel");
      frontDomid = domid;
      try {
        ringMap = platform.grants().map(domid, refs[0], false);
        ring = BackRing.attach(ringMap.segment(), SharedRingLayout.BLKIF_STRIDE);
        port = platform.events().bindInterdomain(domid, evtchn);
      } catch (RuntimeException e) {
        unmap();
        throw new XenbusException(fe + ": mapping the ring or binding the event channel failed: " + e.getMessage(), e);
      }
      platform.events().setHandler(port, p -> loop.wakeup());
      BlockInfo i = disk.info();
      boolean persistent = features.persistent() && "1".equals(v[5]);
      String bePath = XenbusToolstack.backendPath(platform.domid(), "vbd", domid, Integer.parseInt(fe.substring(fe.lastIndexOf('/') + 1)));
      long sectors512 = i.sectorCount() * i.sectorSize() / 512;
      return store.<Void>transaction(tx -> tx.write(bePath + "/feature-flush-cache", "1")
          .thenCompose(y -> tx.write(bePath + "/feature-barrier", "0"))
          .thenCompose(y -> tx.write(bePath + "/feature-discard", i.discardSupported() ? "1" : "0"))
          .thenCompose(y -> tx.write(bePath + "/discard-granularity",
              Integer.toString(discardGranularity == 0 ? i.sectorSize() : discardGranularity)))
          .thenCompose(y -> tx.write(bePath + "/discard-alignment", "0"))
          .thenCompose(y -> tx.write(bePath + "/discard-secure", "0"))
          .thenCompose(y -> tx.write(bePath + "/feature-persistent", persistent ? "1" : "0"))
          .thenCompose(y -> tx.write(bePath + "/sectors", Long.toString(sectors512)))
          .thenCompose(y -> tx.write(bePath + "/info", Integer.toString(i.readWrite() ? 0 : VDISK_READONLY)))
          .thenCompose(y -> tx.write(bePath + "/sector-size", Integer.toString(i.sectorSize())))
          .thenCompose(y -> tx.write(bePath + "/physical-sector-size", Integer.toString(i.sectorSize()))))
          .thenRun(() -> {
            connected = true;
            generation++;
            loop.wakeup();
          });
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
    generation++;
    unmap();
  }

  private void unmap() {
    if (port >= 0) {
      platform.events().close(port);
      port = -1;
    }
    if (ringMap != null) {
      ringMap.close();
      ringMap = null;
    }
    ring = null;
  }

  @Override
  public void onError(XenbusException error) {
    log.warn("blkback: {}", error.getMessage());
  }

  /** Takes the backend away. */
  public void closeDevice() {
    xenbus.close();
  }

  /** Brings the backend back. */
  public void restartDevice() {
    xenbus.restart();
  }

  @Override
  public void close() {
    xenbus.close();
    bridge.post(() -> {
      if (registration != null) {
        registration.cancel();
      }
    });
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }

  // ------------------------------------------------------------------------------- requests

  @Override
  public boolean poll(long nowNanos) {
    if (!connected || ring == null) {
      return false;
    }
    boolean worked = false;
    try {
      do {
        int n = ring.unconsumedRequests();
        for (int i = 0; i < n; i++) {
          ring.copyNextRequest(slot); // RING_COPY_REQUEST: validate the private copy only
          requests++;
          worked = true;
          dispatch();
        }
      } while (ring.finalCheckForRequests());
    } catch (RingException e) {
      log.warn("blkback: {}", e.getMessage());
      disconnect();
    }
    return worked;
  }

  private void respond(long id, int op, int status) {
    if (!connected || ring == null) {
      return;
    }
    if (status != RSP_OKAY) {
      errors++;
    }
    MemorySegment r = ring.segment();
    response(r, ring.nextResponseSlot(), id, op, status);
    if (ring.pushResponsesAndCheckNotify()) {
      platform.events().notify(port);
    }
  }

  private void dispatch() {
    int op = u8(slot, REQ_OPERATION);
    long id = u64(slot, REQ_ID);
    long sector512 = u64(slot, REQ_SECTOR_NUMBER);
    BlockInfo info = disk.info();
    int per = info.sectorSize() / 512;
    long size512 = info.sectorCount() * per;
    switch (op) {
      case OP_READ, OP_WRITE -> {
        int n = u8(slot, REQ_NR_SEGMENTS);
        if (n == 0 || n > MAX_SEGMENTS) {
          respond(id, op, RSP_ERROR); // "Bad number of segments in request"
          return;
        }
        int[] grefs = new int[n];
        int[] first = new int[n];
        int[] last = new int[n];
        for (int k = 0; k < n; k++) {
          long s = REQ_SEG + (long) k * SEG_SIZE;
          grefs[k] = u32(slot, s + SEG_GREF);
          first[k] = u8(slot, s + SEG_FIRST_SECT);
          last[k] = u8(slot, s + SEG_LAST_SECT);
        }
        rw(id, op, op, sector512, grefs, first, last, info, size512);
      }
      case OP_INDIRECT -> {
        int iop = u8(slot, IND_INDIRECT_OP);
        int n = u16(slot, IND_NR_SEGMENTS);
        if ((iop != OP_READ && iop != OP_WRITE) || features.maxIndirectSegments() == 0 || n == 0
            || n > features.maxIndirectSegments()) {
          respond(id, iop == OP_READ || iop == OP_WRITE ? iop : op, RSP_ERROR);
          return;
        }
        int pages = (n + SEGS_PER_INDIRECT_PAGE - 1) / SEGS_PER_INDIRECT_PAGE;
        if (pages > MAX_INDIRECT_PAGES) {
          respond(id, iop, RSP_ERROR);
          return;
        }
        int[] grefs = new int[n];
        int[] first = new int[n];
        int[] last = new int[n];
        MemorySegment page = Arena.ofAuto().allocate(PAGE);
        try {
          for (int p = 0; p < pages; p++) {
            platform.grants().copyFrom(frontDomid, u32(slot, IND_GREFS + 4L * p), 0, page);
            for (int k = p * SEGS_PER_INDIRECT_PAGE; k < Math.min(n, (p + 1) * SEGS_PER_INDIRECT_PAGE); k++) {
              long s = (long) (k % SEGS_PER_INDIRECT_PAGE) * SEG_SIZE;
              grefs[k] = u32(page, s + SEG_GREF);
              first[k] = u8(page, s + SEG_FIRST_SECT);
              last[k] = u8(page, s + SEG_LAST_SECT);
            }
          }
        } catch (GrantException | IllegalArgumentException e) {
          respond(id, iop, RSP_ERROR);
          return;
        }
        rw(id, iop, iop, sector512, grefs, first, last, info, size512);
      }
      case OP_FLUSH_DISKCACHE -> offload(id, op, () -> {
        disk.flush();
        return null;
      }, null);
      case OP_DISCARD -> {
        long count512 = u64(slot, DISCARD_NR_SECTORS);
        if (!info.discardSupported()) {
          respond(id, op, RSP_EOPNOTSUPP);
          return;
        }
        long granule = discardGranularity == 0 ? per : discardGranularity / 512;
        if (sector512 % granule != 0 || count512 % granule != 0 || count512 < 0 || sector512 < 0
            || sector512 > size512 || count512 > size512 - sector512) {
          respond(id, op, RSP_ERROR);
          return;
        }
        offload(id, op, () -> {
          disk.discard(sector512 / per, count512 / per);
          return null;
        }, null);
      }
      case OP_WRITE_BARRIER -> respond(id, op, RSP_EOPNOTSUPP); // feature-barrier=0
      default -> respond(id, op, RSP_ERROR);
    }
  }

  private void rw(long id, int op, int rspOp, long sector512, int[] grefs, int[] first, int[] last, BlockInfo info,
      long size512) {
    long total512 = 0;
    for (int k = 0; k < grefs.length; k++) {
      if (last[k] >= SECTORS_PER_PAGE || last[k] < first[k]) {
        respond(id, rspOp, RSP_ERROR); // xen_blkbk_map / dispatch: bad segment
        return;
      }
      total512 += last[k] - first[k] + 1;
    }
    int per = info.sectorSize() / 512;
    if (op == OP_WRITE && !info.readWrite()) {
      respond(id, rspOp, RSP_ERROR);
      return;
    }
    if (sector512 < 0 || sector512 > size512 || total512 > size512 - sector512
        || sector512 % per != 0 || total512 % per != 0) {
      respond(id, rspOp, RSP_ERROR); // "access beyond end of device"
      return;
    }
    int bytes = (int) (total512 * 512);
    ByteBuf buf = Unpooled.directBuffer(bytes);
    MemorySegment seg = MemorySegment.ofBuffer(buf.nioBuffer(0, bytes));
    try {
      if (op == OP_WRITE) {
        long at = 0;
        for (int k = 0; k < grefs.length; k++) {
          int n = (last[k] - first[k] + 1) * 512;
          platform.grants().copyFrom(frontDomid, grefs[k], first[k] * 512, seg.asSlice(at, n));
          at += n;
        }
        buf.writerIndex(bytes);
      }
    } catch (GrantException | IllegalArgumentException e) {
      buf.release();
      respond(id, rspOp, RSP_ERROR);
      return;
    }
    long sector = sector512 / per;
    offload(id, rspOp, () -> {
      if (op == OP_WRITE) {
        disk.write(sector, buf);
      } else {
        disk.read(sector, buf);
      }
      return null;
    }, () -> {
      try {
        if (op == OP_READ) {
          long at = 0;
          for (int k = 0; k < grefs.length; k++) {
            int n = (last[k] - first[k] + 1) * 512;
            platform.grants().copyTo(frontDomid, grefs[k], first[k] * 512, seg.asSlice(at, n));
            at += n;
          }
        }
        return RSP_OKAY;
      } catch (GrantException | IllegalArgumentException e) {
        return RSP_ERROR;
      } finally {
        buf.release();
      }
    });
  }

  /** Runs {@code work} on the disk off the loop; answers on the loop (after {@code then}, if any). */
  private void offload(long id, int op, java.util.concurrent.Callable<Void> work, java.util.function.IntSupplier then) {
    int gen = generation;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    bridge.offload(work).whenComplete((v, e) -> {
      inFlight--;
      int status = e == null ? RSP_OKAY : RSP_ERROR;
      if (then != null) {
        int s = then.getAsInt();
        if (status == RSP_OKAY) {
          status = s;
        }
      }
      if (gen == generation) {
        respond(id, op, status);
      }
    });
  }

  /** Requests being served right now. */
  public int inFlight() {
    return inFlight;
  }
}
