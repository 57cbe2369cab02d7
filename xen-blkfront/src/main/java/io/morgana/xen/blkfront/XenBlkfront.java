package io.morgana.xen.blkfront;

import static io.morgana.xen.blkfront.wire.BlkifWire.*;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
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
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Block} over the Xen blkif protocol ({@code /usr/include/xen/io/blkif.h}, {@code
 * io/ring.h}) for {@code device/vbd/<devid>}: what Linux's {@code drivers/block/xen-blkfront.c}
 * is to a Linux guest, written to the rules of Linux's blkback.
 *
 * <p><b>Handshake</b>: reads the backend's {@code max-ring-page-order} and {@code
 * multi-queue-max-queues}; one page → {@code ring-ref}, more → {@code ring-page-order=N} and
 * {@code ring-ref0..} (N capped by the backend's maximum); {@code event-channel}; {@code
 * protocol=x86_64-abi}; {@code feature-persistent=1}; {@code multi-queue-num-queues=1} when the
 * backend has multiple queues. Once the backend is Connected: {@code sectors}, {@code
 * sector-size}, {@code info} (mandatory), {@code physical-sector-size}, {@code mode} and the
 * features ({@code feature-flush-cache}, {@code feature-barrier}, {@code feature-discard} with
 * granularity and alignment, {@code feature-persistent}, {@code
 * feature-max-indirect-segments}).
 *
 * <p><b>Requests</b>: read and write of up to 11 segments ({@code 0 ≤ first_sect ≤ last_sect ≤
 * 7}), or {@code BLKIF_OP_INDIRECT} with up to {@value #MAX_INDIRECT_SEGMENTS} segments when the
 * backend offers more than 11; {@code BLKIF_OP_FLUSH_DISKCACHE} (or a {@code WRITE_BARRIER} when
 * only barriers are offered) for {@link #flush()}; {@code BLKIF_OP_DISCARD} when offered, of the
 * whole {@code discard-granularity} granules (offset by {@code discard-alignment}) in the range. Data
 * moves through a fixed pool of pages granted writable once per connection (persistent grants: the
 * same grants serve every request, which is what both sides agree to with {@code
 * feature-persistent}); indirect descriptor pages are one per ring slot. Responses complete out of
 * order, matched by {@code id} (and operation); the number in flight is bounded by the ring and the
 * pool; an error status becomes a {@link BlockException}.
 *
 * <p><b>Hostile backends</b>: a response for an id never issued or already answered, an
 * operation that does not match, or ring indices out of range break the device: every waiting call
 * fails, the rings are left alone and the device closes.
 *
 * <p>Threads: {@link Block} calls from application threads (they cross the {@link LoopBridge});
 * the handshake and the rings on the loop.
 */
public final class XenBlkfront implements Block, FrontendDriver, Pollable {

  private static final Logger log = LoggerFactory.getLogger(XenBlkfront.class);
  private static final int PAGE = Pages.PAGE_SIZE;
  /** The most segments per indirect request this frontend issues (Linux blkfront's default: 32). */
  public static final int MAX_INDIRECT_SEGMENTS = 32;
  /** Default data pool, in pages. */
  public static final int DEFAULT_POOL_PAGES = 128;

  private final XenPlatform platform;
  private final EventLoop loop;
  private final LoopBridge bridge;
  private final String path;
  private final int handle;
  private final int wantedRingOrder;
  private final int poolPages;
  private final XenbusFrontend xenbus;
  private EventLoop.Cancellable registration;
  private volatile CompletableFuture<Void> connectedFuture = new CompletableFuture<>();

  private volatile BlockInfo info = new BlockInfo(512, 0, false, false);
  private volatile boolean closed;
  private volatile String brokenReason;
  private volatile int connections;
  private volatile long errors;
  private volatile int physicalSectorSize = 512;
  private volatile int ringOrder;
  private volatile boolean removable;
  private volatile boolean cdrom;
  private Conn conn;

  /** One connection's rings, pools and state. */
  private final class Conn {
    SharedPages ring;
    FrontRing front;
    final int port;
    final SharedPages pool;
    SharedPages indirect;
    final int[] freePages;
    int freeCount;
    Request[] pending;
    final ArrayDeque<Io> queue = new ArrayDeque<>();
    boolean up;
    boolean flush;
    boolean barrier;
    boolean discard;
    int maxSegments = MAX_SEGMENTS;
    int sectorSize = 512;
    /** {@code discard-granularity} and {@code discard-alignment}, in 512-byte sectors. */
    long discardGranularity = 1;
    long discardAlignment;

    Conn(int backendDomid) {
      port = platform.events().allocUnbound(backendDomid);
      platform.events().setHandler(port, p -> loop.wakeup());
      pool = platform.grants().share(backendDomid, poolPages, false); // writable: persistent grants
      freePages = new int[poolPages];
      for (int i = 0; i < poolPages; i++) {
        freePages[i] = poolPages - 1 - i;
      }
      freeCount = poolPages;
    }
  }

  /** One Block call: a run of requests. */
  private static final class Io {
    final int op;
    final long sector512;
    final ByteBuf buf;
    final int index; // readerIndex (write) or writerIndex (read) at the call
    final int length;
    final long discardSectors512;
    final CompletableFuture<Void> done;
    int issued;
    int outstanding;
    IOException error;

    Io(int op, long sector512, ByteBuf buf, int index, int length, long discardSectors512, CompletableFuture<Void> done) {
      this.op = op;
      this.sector512 = sector512;
      this.buf = buf;
      this.index = index;
      this.length = length;
      this.discardSectors512 = discardSectors512;
      this.done = done;
    }
  }

  /** One ring request in flight. */
  private static final class Request {
    final Io io;
    final int op;
    final int indirectOp;
    final int offset;
    final int bytes;
    final int[] pages;
    final int npages;

    Request(Io io, int op, int indirectOp, int offset, int bytes, int[] pages, int npages) {
      this.io = io;
      this.op = op;
      this.indirectOp = indirectOp;
      this.offset = offset;
      this.bytes = bytes;
      this.pages = pages;
      this.npages = npages;
    }
  }

  /**
   * A blkfront for {@code device/vbd/<devid>} of {@code platform}, asking for a ring of {@code 2^
   * ringOrder} pages (at most the backend's {@code max-ring-page-order}) and moving data through
   * {@code poolPages} granted pages. {@link #start()} begins the handshake.
   */
  public XenBlkfront(XenPlatform platform, int devid, int ringOrder, int poolPages) {
    if (ringOrder < 0 || ringOrder > 4) {
      throw new IllegalArgumentException("ring-page-order must be 0..4 (XENBUS_MAX_RING_GRANT_ORDER), got " + ringOrder);
    }
    if (poolPages < MAX_SEGMENTS) {
      throw new IllegalArgumentException("the data pool needs at least " + MAX_SEGMENTS + " pages, got " + poolPages);
    }
    this.platform = platform;
    this.loop = platform.loop();
    this.bridge = new LoopBridge(loop);
    this.path = XenbusToolstack.frontendPath(platform.domid(), "vbd", devid);
    this.handle = devid & 0xffff;
    this.wantedRingOrder = ringOrder;
    this.poolPages = poolPages;
    this.xenbus = new XenbusFrontend(platform.store(), loop, path, this);
  }

  /** Registers with the loop and starts the handshake. Any thread. */
  public XenBlkfront start() {
    bridge.post(() -> registration = loop.register(this));
    xenbus.start();
    return this;
  }

  /** Waits (off the loop) until the backend is connected. */
  public XenBlkfront awaitConnected(Duration timeout) throws IOException {
    LoopBridge.checkBlockingAllowed("XenBlkfront.awaitConnected");
    try {
      connectedFuture.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return this;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for " + path);
    } catch (Exception e) {
      throw new BlockException(path + " did not connect within " + timeout + ": front " + xenbus.state()
          + ", backend " + xenbus.backendState(), e);
    }
  }

  /** The xenbus state machine. */
  public XenbusFrontend xenbus() {
    return xenbus;
  }

  /** Whether the backend is connected. */
  public boolean isConnected() {
    Conn c = conn;
    return c != null && c.up;
  }

  /** Why the device broke, if a backend broke the protocol. */
  public Optional<String> brokenReason() {
    return Optional.ofNullable(brokenReason);
  }

  /** Requests answered with an error status. */
  public long errors() {
    return errors;
  }

  /** How many times the device connected. */
  public int connections() {
    return connections;
  }

  /** The ring's page order in use. */
  public int ringOrder() {
    return ringOrder;
  }

  /** The backend's {@code physical-sector-size}. */
  public int physicalSectorSize() {
    return physicalSectorSize;
  }

  /** {@code info}'s {@code VDISK_REMOVABLE}. */
  public boolean removable() {
    return removable;
  }

  /** {@code info}'s {@code VDISK_CDROM}. */
  public boolean cdrom() {
    return cdrom;
  }

  // ------------------------------------------------------------------------------- handshake

  @Override
  public void initialise(int backendDomid) {
    brokenReason = null;
    conn = new Conn(backendDomid);
  }

  @Override
  public CompletionStage<Void> publish(XenStoreTransaction tx, String frontendPath) {
    Conn c = conn;
    String be = xenbus.backendPath().orElseThrow();
    int[] maxOrder = new int[1];
    return tx.readIfExists(be + "/max-ring-page-order").thenCompose(o -> {
      maxOrder[0] = o.map(v -> Integer.parseInt(v.trim())).orElse(0);
      return tx.readIfExists(be + "/multi-queue-max-queues");
    }).thenCompose(queues -> {
      if (c.ring == null) {
        int order = Math.max(0, Math.min(wantedRingOrder, maxOrder[0]));
        c.ring = platform.grants().share(xenbus.backendDomid(), 1 << order, false);
        c.front = FrontRing.init(c.ring.pages().segment(), SharedRingLayout.BLKIF_STRIDE);
        c.pending = new Request[c.front.size()];
        ringOrder = order;
      }
      int pages = c.ring.pages().count();
      List<String[]> keys = new ArrayList<>();
      if (pages == 1) {
        keys.add(new String[] {"ring-ref", Integer.toString(c.ring.ref(0))});
      } else {
        keys.add(new String[] {"ring-page-order", Integer.toString(Integer.numberOfTrailingZeros(pages))});
        for (int i = 0; i < pages; i++) {
          keys.add(new String[] {"ring-ref" + i, Integer.toString(c.ring.ref(i))});
        }
      }
      keys.add(new String[] {"event-channel", Integer.toString(c.port)});
      keys.add(new String[] {"protocol", PROTOCOL_X86_64});
      keys.add(new String[] {"feature-persistent", "1"});
      if (queues.isPresent()) {
        keys.add(new String[] {"multi-queue-num-queues", "1"});
      }
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
    XenStore store = platform.store();
    String[] keys = {"sectors", "info", "sector-size", "physical-sector-size", "feature-flush-cache", "feature-barrier",
        "feature-discard", "feature-max-indirect-segments", "mode", "discard-granularity", "discard-alignment"};
    String[] v = new String[keys.length];
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < keys.length; i++) {
      int k = i;
      chain = chain.thenCompose(x -> store.readIfExists(backendPath + "/" + keys[k])
          .thenAccept(o -> v[k] = o.map(String::trim).orElse(null)));
    }
    return chain.thenRun(() -> {
      if (v[0] == null || v[1] == null || v[2] == null) {
        throw new XenbusException(backendPath + ": sectors, info and sector-size are mandatory");
      }
      long sectors512;
      int infoBits;
      int sectorSize;
      try {
        sectors512 = Long.parseLong(v[0]);
        infoBits = Integer.parseInt(v[1]);
        sectorSize = Integer.parseInt(v[2]);
        physicalSectorSize = v[3] == null ? sectorSize : Integer.parseInt(v[3]);
        c.maxSegments = v[7] == null ? MAX_SEGMENTS : Math.max(MAX_SEGMENTS, Math.min(MAX_INDIRECT_SEGMENTS, Integer.parseInt(v[7])));
      } catch (NumberFormatException e) {
        throw new XenbusException(backendPath + ": malformed disk properties: " + e.getMessage());
      }
      if (sectors512 < 0 || sectorSize < 512 || Integer.bitCount(sectorSize) != 1 || sectorSize > PAGE) {
        throw new XenbusException(backendPath + ": bad geometry: sectors " + sectors512 + ", sector-size " + sectorSize);
      }
      c.sectorSize = sectorSize;
      try {
        c.discardGranularity = v[9] == null ? 1 : Math.max(1, Long.parseLong(v[9]) / 512);
        c.discardAlignment = v[10] == null ? 0 : Long.parseLong(v[10]) / 512 % c.discardGranularity;
      } catch (NumberFormatException e) {
        c.discardGranularity = 1; // malformed: discard sector by sector
        c.discardAlignment = 0;
      }
      c.flush = "1".equals(v[4]);
      c.barrier = "1".equals(v[5]);
      c.discard = "1".equals(v[6]);
      boolean readOnly = (infoBits & VDISK_READONLY) != 0 || "r".equals(v[8]);
      removable = (infoBits & VDISK_REMOVABLE) != 0;
      cdrom = (infoBits & VDISK_CDROM) != 0;
      if (c.maxSegments > MAX_SEGMENTS && c.indirect == null) {
        c.indirect = platform.grants().share(xenbus.backendDomid(), c.front.size(), false);
      }
      // blkif.h: "sectors" is in 512-byte units (Linux blkback writes it so).
      info = new BlockInfo(sectorSize, sectors512 * 512 / sectorSize, !readOnly, c.discard);
      c.up = true;
      connections++;
      connectedFuture.complete(null);
      loop.wakeup();
    });
  }

  @Override
  public void disconnect() {
    Conn c = conn;
    conn = null;
    if (c == null) {
      return;
    }
    c.up = false;
    failAll(c, new BlockException(path + ": the backend went away"));
    platform.events().close(c.port);
    for (SharedPages p : new SharedPages[] {c.ring, c.pool, c.indirect}) {
      if (p != null) {
        try {
          p.close();
        } catch (GrantException e) {
          log.warn("{}: a grant is still mapped by the backend; pages kept", path);
        }
      }
    }
    if (connectedFuture.isDone()) {
      connectedFuture = new CompletableFuture<>();
    }
  }

  @Override
  public void onError(XenbusException error) {
    log.warn("{}: {}", path, error.getMessage());
  }

  private void failAll(Conn c, IOException e) {
    if (c.pending != null) {
      for (int i = 0; i < c.pending.length; i++) {
        Request r = c.pending[i];
        if (r != null) {
          c.pending[i] = null;
          r.io.done.completeExceptionally(e);
        }
      }
    }
    while (!c.queue.isEmpty()) {
      c.queue.poll().done.completeExceptionally(e);
    }
  }

  // ------------------------------------------------------------------------------- Block

  @Override
  public BlockInfo info() {
    return info;
  }

  private void check(String call, long sector, long bytes) throws IOException {
    LoopBridge.checkBlockingAllowed(call);
    if (closed) {
      throw new BlockException(path + " is closed");
    }
    BlockInfo i = info;
    if (bytes % i.sectorSize() != 0) {
      throw new BlockException(call + ": " + bytes + " bytes is not a whole number of " + i.sectorSize() + "-byte sectors");
    }
    long count = bytes / i.sectorSize();
    if (sector < 0 || count < 0 || sector > i.sectorCount() || count > i.sectorCount() - sector) {
      throw new BlockException(call + ": sectors " + sector + "+" + count + " outside the device of " + i.sectorCount());
    }
  }

  @Override
  public void read(long sector, ByteBuf into) throws IOException {
    int len = into.writableBytes();
    check("Block.read", sector, len);
    if (len == 0) {
      return;
    }
    int ss = info.sectorSize();
    bridge.<Void>call("Block.read", f -> submit(new Io(OP_READ, sector * (ss / 512), into, into.writerIndex(), len, 0, f)));
    into.writerIndex(into.writerIndex() + len);
  }

  @Override
  public void write(long sector, ByteBuf from) throws IOException {
    int len = from.readableBytes();
    check("Block.write", sector, len);
    if (!info.readWrite()) {
      throw new BlockException(path + " is read-only");
    }
    if (len == 0) {
      return;
    }
    int ss = info.sectorSize();
    bridge.<Void>call("Block.write", f -> submit(new Io(OP_WRITE, sector * (ss / 512), from, from.readerIndex(), len, 0, f)));
    from.readerIndex(from.readerIndex() + len);
  }

  @Override
  public void flush() throws IOException {
    check("Block.flush", 0, 0);
    bridge.<Void>call("Block.flush", f -> submit(new Io(OP_FLUSH_DISKCACHE, 0, null, 0, 0, 0, f)));
  }

  @Override
  public void discard(long sector, long count) throws IOException {
    if (count < 0) {
      throw new BlockException("Block.discard: negative count " + count);
    }
    check("Block.discard", sector, count * info.sectorSize());
    if (count == 0 || !info.discardSupported()) {
      return;
    }
    int per = info.sectorSize() / 512;
    bridge.<Void>call("Block.discard", f -> {
      // Only whole granules (discard-granularity, offset by discard-alignment): the content of the
      // range becomes unspecified, so discarding less of it is allowed.
      Conn c = conn;
      long g = c == null ? 1 : c.discardGranularity;
      long a = c == null ? 0 : c.discardAlignment;
      long from = sector * per;
      long to = from + count * per;
      long first = Math.ceilDiv(from - a, g) * g + a;
      long end = Math.floorDiv(to - a, g) * g + a;
      if (end <= first) {
        f.complete(null);
        return;
      }
      submit(new Io(OP_DISCARD, first, null, 0, 0, end - first, f));
    });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    xenbus.close();
    bridge.post(() -> {
      if (registration != null) {
        registration.cancel();
      }
    });
  }

  // ------------------------------------------------------------------------------- the ring

  private void submit(Io io) {
    Conn c = conn;
    if (c == null || !c.up || closed) {
      io.done.completeExceptionally(new BlockException(path + " is not connected"));
      return;
    }
    if (io.op == OP_FLUSH_DISKCACHE && !c.flush && !c.barrier) {
      io.done.complete(null); // nothing caches: writes are already durable
      return;
    }
    c.queue.add(io);
    issue(c);
  }

  private int freeId(Conn c) {
    for (int i = 0; i < c.pending.length; i++) {
      if (c.pending[i] == null) {
        return i;
      }
    }
    return -1;
  }

  private void issue(Conn c) {
    int queued = 0;
    MemorySegment ring = c.front.segment();
    while (!c.queue.isEmpty() && !c.front.full()) {
      Io io = c.queue.peek();
      int id = freeId(c);
      if (id < 0) {
        break;
      }
      if (io.op == OP_FLUSH_DISKCACHE || io.op == OP_DISCARD) {
        int op = io.op == OP_FLUSH_DISKCACHE ? (c.flush ? OP_FLUSH_DISKCACHE : OP_WRITE_BARRIER) : OP_DISCARD;
        long at = c.front.nextRequestSlot();
        ring.asSlice(at, REQ_BYTES).fill((byte) 0);
        put8(ring, at + REQ_OPERATION, op);
        put16(ring, at + REQ_HANDLE, handle);
        put64(ring, at + REQ_ID, id);
        put64(ring, at + REQ_SECTOR_NUMBER, io.sector512);
        if (op == OP_DISCARD) {
          put64(ring, at + DISCARD_NR_SECTORS, io.discardSectors512);
        }
        c.pending[id] = new Request(io, op, -1, 0, 0, null, 0);
        io.outstanding++;
        c.queue.poll();
        queued++;
        continue;
      }
      int remaining = io.length - io.issued;
      int maxPages = Math.min(c.maxSegments, c.freeCount);
      if (maxPages == 0) {
        break;
      }
      int bytes = Math.min(remaining, maxPages * PAGE);
      int npages = (bytes + PAGE - 1) / PAGE;
      int[] pages = new int[npages];
      for (int k = 0; k < npages; k++) {
        pages[k] = c.freePages[--c.freeCount];
      }
      if (io.op == OP_WRITE) {
        for (int k = 0; k < npages; k++) {
          int n = Math.min(PAGE, bytes - k * PAGE);
          ByteBuffer dst = c.pool.pages().page(pages[k]).asByteBuffer().limit(n);
          io.buf.getBytes(io.index + io.issued + k * PAGE, dst);
        }
      }
      long at = c.front.nextRequestSlot();
      ring.asSlice(at, REQ_BYTES).fill((byte) 0);
      long sector512 = io.sector512 + io.issued / 512;
      boolean indirect = npages > MAX_SEGMENTS;
      MemorySegment segs;
      long segAt;
      if (indirect) {
        put8(ring, at + REQ_OPERATION, OP_INDIRECT);
        put8(ring, at + IND_INDIRECT_OP, io.op);
        put16(ring, at + IND_NR_SEGMENTS, npages);
        put64(ring, at + REQ_ID, id);
        put64(ring, at + REQ_SECTOR_NUMBER, sector512);
        put16(ring, at + IND_HANDLE, handle);
        put32(ring, at + IND_GREFS, c.indirect.ref(id)); // npages <= 32 < 512: one indirect page
        segs = c.indirect.pages().page(id);
        segAt = 0;
      } else {
        put8(ring, at + REQ_OPERATION, io.op);
        put8(ring, at + REQ_NR_SEGMENTS, npages);
        put16(ring, at + REQ_HANDLE, handle);
        put64(ring, at + REQ_ID, id);
        put64(ring, at + REQ_SECTOR_NUMBER, sector512);
        segs = ring;
        segAt = at + REQ_SEG;
      }
      for (int k = 0; k < npages; k++) {
        int n = Math.min(PAGE, bytes - k * PAGE);
        segment(segs, segAt + (long) k * SEG_SIZE, c.pool.ref(pages[k]), 0, n / 512 - 1);
      }
      c.pending[id] = new Request(io, indirect ? OP_INDIRECT : io.op, indirect ? io.op : -1, io.issued, bytes, pages, npages);
      io.issued += bytes;
      io.outstanding++;
      if (io.issued == io.length) {
        c.queue.poll();
      }
      queued++;
    }
    if (queued > 0 && c.front.pushRequestsAndCheckNotify()) {
      platform.events().notify(c.port);
    }
  }

  @Override
  public boolean poll(long nowNanos) {
    Conn c = conn;
    if (c == null || !c.up) {
      return false;
    }
    boolean worked = false;
    try {
      do {
        int n = c.front.unconsumedResponses();
        MemorySegment ring = c.front.segment();
        for (int i = 0; i < n; i++) {
          long at = c.front.nextResponseSlot();
          long id = u64(ring, at + RSP_ID);
          int op = u8(ring, at + RSP_OPERATION);
          int status = s16(ring, at + RSP_STATUS);
          worked = true;
          if (id < 0 || id >= c.pending.length || c.pending[(int) id] == null) {
            broken(c, "response for id " + Long.toUnsignedString(id) + ", never issued or already answered");
            return true;
          }
          Request r = c.pending[(int) id];
          if (op != r.op && op != r.indirectOp) {
            broken(c, "response " + id + " has operation " + op + ", the request had " + r.op);
            return true;
          }
          c.pending[(int) id] = null;
          complete(c, r, status);
        }
        if (c.up) {
          issue(c);
        }
      } while (c.up && c.front.finalCheckForResponses());
    } catch (RingException e) {
      broken(c, "ring: " + e.getMessage());
    }
    return worked;
  }

  private void complete(Conn c, Request r, int status) {
    Io io = r.io;
    if (status != RSP_OKAY) {
      errors++;
      if (io.error == null) {
        io.error = new BlockException(path + ": " + opName(r.indirectOp >= 0 ? r.indirectOp : r.op) + " of sector "
            + io.sector512 + " failed: status " + (status == RSP_EOPNOTSUPP ? "BLKIF_RSP_EOPNOTSUPP" : status == RSP_ERROR
            ? "BLKIF_RSP_ERROR" : Integer.toString(status)));
      }
      if (status == RSP_EOPNOTSUPP && (r.op == OP_FLUSH_DISKCACHE || r.op == OP_WRITE_BARRIER)) {
        c.flush = c.barrier = false; // Linux: "flush not supported; disabling"
      }
    } else if (io.op == OP_READ) {
      for (int k = 0; k < r.npages; k++) {
        int n = Math.min(PAGE, r.bytes - k * PAGE);
        ByteBuffer src = c.pool.pages().page(r.pages[k]).asByteBuffer().limit(n);
        io.buf.setBytes(io.index + r.offset + k * PAGE, src);
      }
    }
    for (int k = 0; k < r.npages; k++) {
      c.freePages[c.freeCount++] = r.pages[k];
    }
    io.outstanding--;
    if (io.outstanding == 0 && io.issued == io.length) {
      if (io.error != null) {
        io.done.completeExceptionally(io.error);
      } else {
        io.done.complete(null);
      }
    }
  }

  private static String opName(int op) {
    return switch (op) {
      case OP_READ -> "read";
      case OP_WRITE -> "write";
      case OP_WRITE_BARRIER -> "barrier";
      case OP_FLUSH_DISKCACHE -> "flush";
      case OP_DISCARD -> "discard";
      default -> "operation " + op;
    };
  }

  private void broken(Conn c, String reason) {
    if (brokenReason == null) {
      brokenReason = reason;
      log.error("{}: backend broke the blkif protocol, closing the device: {}", path, reason);
    }
    c.up = false;
    failAll(c, new BlockException(path + ": backend broke the protocol: " + reason));
    xenbus.close();
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }
}
