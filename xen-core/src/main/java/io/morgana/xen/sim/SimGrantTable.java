package io.morgana.xen.sim;

import static io.morgana.xen.grant.GrantEntryV1.GNTST_BAD_COPY_ARG;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_BAD_DOMAIN;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_BAD_GNTREF;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_BAD_PAGE;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_EAGAIN;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_GENERAL_ERROR;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_NO_SPACE;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_PERMISSION_DENIED;
import static io.morgana.xen.grant.GrantEntryV1.GTF_PERMIT_ACCESS;
import static io.morgana.xen.grant.GrantEntryV1.GTF_READING;
import static io.morgana.xen.grant.GrantEntryV1.GTF_READONLY;
import static io.morgana.xen.grant.GrantEntryV1.GTF_TYPE_MASK;
import static io.morgana.xen.grant.GrantEntryV1.GTF_WRITING;

import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.grant.GrantException;
import io.morgana.xen.grant.GrantTable;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.platform.Pages;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The grant table of one {@link SimDomain}: real {@code grant_entry_v1} entries in frames of the
 * machine memory, which the domain writes as a guest does ({@link GrantEntryV1#grant}) and which
 * the hypervisor reads and marks ({@code GTF_reading}/{@code GTF_writing}) on behalf of the
 * domains that map or copy them. The hypervisor's per-entry map counts (Xen's "active" grant
 * table) live here too.
 *
 * <p>Operations that name another domain ({@link #map}, {@link #copyTo}, {@link #copyFrom}) act
 * on that domain's table, with this domain as the grantee.
 */
public final class SimGrantTable implements GrantTable {

  private final SimDomain domain;
  private final MemorySegment table;
  private final long tableFrame;
  private final int entries;
  /** Refs free for {@link #grantAccess}, as a stack. */
  private final int[] free;
  private int freeCount;
  /** Active map counts per ref: all mappings/copies, and the writable ones. */
  private final int[] readers;
  private final int[] writers;

  SimGrantTable(SimDomain domain, long tableFrame, int frames) {
    this.domain = domain;
    this.tableFrame = tableFrame;
    this.table = domain.hypervisor().memory().frames(tableFrame, frames);
    this.entries = frames * GrantEntryV1.ENTRIES_PER_PAGE;
    this.free = new int[entries];
    for (int ref = entries - 1; ref >= GrantEntryV1.NR_RESERVED_ENTRIES; ref--) {
      free[freeCount++] = ref;
    }
    this.readers = new int[entries];
    this.writers = new int[entries];
  }

  /** The table's memory: {@link #entries()} entries of {@link GrantEntryV1#SIZE} bytes. */
  public MemorySegment segment() {
    return table;
  }

  /** The machine frame of the table's first page (for a process that maps the memory file). */
  public long firstFrame() {
    return tableFrame;
  }

  /** The number of entries, reserved ones included. */
  public int entries() {
    return entries;
  }

  @Override
  public int grantAccess(int domid, Pages pages, int index, boolean readOnly) {
    checkDomid(domid);
    if (!(pages instanceof SimPages sp) || sp.domain() != domain) {
      throw new GrantException(GNTST_BAD_PAGE, "pages are not memory of domain " + domain.domid());
    }
    long frame = pages.frame(index);
    int ref;
    synchronized (this) {
      if (freeCount == 0) {
        throw new GrantException(GNTST_NO_SPACE, "grant table of domain " + domain.domid() + " is full");
      }
      ref = free[--freeCount];
    }
    GrantEntryV1.grant(table, ref, domid, frame, readOnly);
    return ref;
  }

  /** Fills a reserved entry (0..7), as the toolstack does for the console and XenStore pages. */
  void grantReserved(int ref, int domid, long frame, boolean readOnly) {
    if (ref < 0 || ref >= GrantEntryV1.NR_RESERVED_ENTRIES) {
      throw new IllegalArgumentException("not a reserved ref: " + ref);
    }
    GrantEntryV1.grant(table, ref, domid, frame, readOnly);
  }

  @Override
  public boolean endAccess(int ref) {
    checkRef(ref);
    while (true) {
      int flags = GrantEntryV1.flags(table, ref);
      if ((flags & GTF_TYPE_MASK) != GTF_PERMIT_ACCESS) {
        throw new GrantException(GNTST_BAD_GNTREF, "ref " + ref + " is not an active grant");
      }
      if ((flags & (GTF_READING | GTF_WRITING)) != 0) {
        return false;
      }
      if (GrantEntryV1.compareAndSetFlags(table, ref, flags, 0)) {
        break;
      }
    }
    if (ref >= GrantEntryV1.NR_RESERVED_ENTRIES) {
      synchronized (this) {
        free[freeCount++] = ref;
      }
    }
    return true;
  }

  @Override
  public boolean inUse(int ref) {
    checkRef(ref);
    return (GrantEntryV1.flags(table, ref) & (GTF_READING | GTF_WRITING)) != 0;
  }

  /** The number of refs free for {@link #grantAccess}. */
  public synchronized int freeEntries() {
    return freeCount;
  }

  @Override
  public SharedPages share(int domid, int count, boolean readOnly) {
    Pages pages = domain.allocatePages(count);
    int[] refs = new int[count];
    int granted = 0;
    try {
      for (; granted < count; granted++) {
        refs[granted] = grantAccess(domid, pages, granted, readOnly);
      }
    } catch (GrantException e) {
      for (int i = 0; i < granted; i++) {
        endAccess(refs[i]);
      }
      pages.close();
      throw e;
    }
    return new Shared(pages, refs, domid);
  }

  private final class Shared implements SharedPages {
    private final Pages pages;
    private final int[] refs;
    private final int remote;
    private boolean closed;

    Shared(Pages pages, int[] refs, int remote) {
      this.pages = pages;
      this.refs = refs;
      this.remote = remote;
    }

    @Override
    public Pages pages() {
      return pages;
    }

    @Override
    public int ref(int index) {
      return refs[Objects.checkIndex(index, refs.length)];
    }

    @Override
    public int remoteDomid() {
      return remote;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      for (int ref : refs) {
        if (inUse(ref)) {
          throw new GrantException(GNTST_EAGAIN, "ref " + ref + " is still mapped by domain " + remote);
        }
      }
      for (int ref : refs) {
        if (!endAccess(ref)) {
          throw new GrantException(GNTST_EAGAIN, "ref " + ref + " was mapped again by domain " + remote);
        }
      }
      pages.close();
      closed = true;
    }
  }

  @Override
  public MappedGrants map(int domid, int[] refs, boolean readOnly) {
    if (refs.length == 0) {
      throw new IllegalArgumentException("no refs to map");
    }
    SimGrantTable granter = grantorTable(domid);
    long[] frames = new long[refs.length];
    int acquired = 0;
    try {
      for (; acquired < refs.length; acquired++) {
        frames[acquired] = granter.acquire(refs[acquired], domain.domid(), readOnly);
      }
      for (int i = 1; i < frames.length; i++) {
        if (frames[i] != frames[0] + i) {
          throw new GrantException(
              GNTST_GENERAL_ERROR,
              "the simulated hypervisor maps several grants only when their frames are consecutive");
        }
      }
    } catch (GrantException e) {
      for (int i = 0; i < acquired; i++) {
        granter.release(refs[i], readOnly);
      }
      throw e;
    }
    MemorySegment segment = domain.hypervisor().memory().frames(frames[0], refs.length);
    return new Mapping(granter, domid, refs.clone(), readOnly, readOnly ? segment.asReadOnly() : segment);
  }

  private static final class Mapping implements MappedGrants {
    private final SimGrantTable granter;
    private final int domid;
    private final int[] refs;
    private final boolean readOnly;
    private final MemorySegment segment;
    private boolean closed;

    Mapping(SimGrantTable granter, int domid, int[] refs, boolean readOnly, MemorySegment segment) {
      this.granter = granter;
      this.domid = domid;
      this.refs = refs;
      this.readOnly = readOnly;
      this.segment = segment;
    }

    @Override
    public MemorySegment segment() {
      return segment;
    }

    @Override
    public int domid() {
      return domid;
    }

    @Override
    public int count() {
      return refs.length;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (int ref : refs) {
        granter.release(ref, readOnly);
      }
    }
  }

  @Override
  public void copyTo(int domid, int ref, int offset, MemorySegment source) {
    checkCopy(offset, source.byteSize());
    SimGrantTable granter = grantorTable(domid);
    long frame = granter.acquire(ref, domain.domid(), false);
    try {
      MemorySegment.copy(source, 0, domain.hypervisor().memory().frame(frame), offset, source.byteSize());
    } finally {
      granter.release(ref, false);
    }
  }

  @Override
  public void copyFrom(int domid, int ref, int offset, MemorySegment destination) {
    checkCopy(offset, destination.byteSize());
    SimGrantTable granter = grantorTable(domid);
    long frame = granter.acquire(ref, domain.domid(), true);
    try {
      MemorySegment.copy(
          domain.hypervisor().memory().frame(frame), offset, destination, 0, destination.byteSize());
    } finally {
      granter.release(ref, true);
    }
  }

  private static void checkCopy(int offset, long length) {
    if (offset < 0 || length < 0 || offset + length > Pages.PAGE_SIZE) {
      throw new GrantException(
          GNTST_BAD_COPY_ARG, "copy of " + length + " bytes at offset " + offset + " crosses the page");
    }
  }

  private SimGrantTable grantorTable(int domid) {
    SimDomain granter = domain.hypervisor().domain(domid);
    if (granter == null) {
      throw new GrantException(GNTST_BAD_DOMAIN, "no domain " + domid);
    }
    return granter.grants();
  }

  /**
   * Xen's acquire on our entry {@code ref} for {@code grantee}: checks the grant, sets
   * {@code GTF_reading} (and {@code GTF_writing}) with a compare-and-swap as Xen does, and counts
   * the use.
   *
   * @return the granted frame
   */
  private synchronized long acquire(int ref, int grantee, boolean readOnly) {
    if (ref < 0 || ref >= entries) {
      throw new GrantException(GNTST_BAD_GNTREF, "ref " + Integer.toUnsignedString(ref) + " outside the table");
    }
    while (true) {
      int flags = GrantEntryV1.flags(table, ref);
      if ((flags & GTF_TYPE_MASK) != GTF_PERMIT_ACCESS) {
        throw new GrantException(GNTST_BAD_GNTREF, "ref " + ref + " of domain " + domain.domid() + " is not granted");
      }
      if (GrantEntryV1.domid(table, ref) != grantee) {
        throw new GrantException(
            GNTST_PERMISSION_DENIED, "ref " + ref + " of domain " + domain.domid() + " is not granted to domain " + grantee);
      }
      if (!readOnly && (flags & GTF_READONLY) != 0) {
        throw new GrantException(GNTST_PERMISSION_DENIED, "ref " + ref + " is a read-only grant");
      }
      int marked = flags | GTF_READING | (readOnly ? 0 : GTF_WRITING);
      if (GrantEntryV1.compareAndSetFlags(table, ref, flags, marked)) {
        break;
      }
    }
    long frame = GrantEntryV1.frame(table, ref);
    if (domain.hypervisor().memory().owner(frame) != domain.domid()) {
      releaseLocked(ref, readOnly, false);
      throw new GrantException(GNTST_BAD_PAGE, "frame " + frame + " of ref " + ref + " is not domain " + domain.domid() + "'s");
    }
    readers[ref]++;
    if (!readOnly) {
      writers[ref]++;
    }
    return frame;
  }

  private synchronized void release(int ref, boolean readOnly) {
    releaseLocked(ref, readOnly, true);
  }

  private void releaseLocked(int ref, boolean readOnly, boolean counted) {
    if (counted) {
      readers[ref]--;
      if (!readOnly) {
        writers[ref]--;
      }
    }
    int clear = (readers[ref] == 0 ? GTF_READING : 0) | (writers[ref] == 0 ? GTF_WRITING : 0);
    while (true) {
      int flags = GrantEntryV1.flags(table, ref);
      if (GrantEntryV1.compareAndSetFlags(table, ref, flags, flags & ~clear)) {
        return;
      }
    }
  }

  /** Refuses to free frames that an active grant still names. */
  synchronized void checkNoGrantOn(long firstFrame, int count) {
    for (int ref = 0; ref < entries; ref++) {
      int flags = GrantEntryV1.flags(table, ref);
      long frame = GrantEntryV1.frame(table, ref);
      if ((flags & GTF_TYPE_MASK) != 0 && frame >= firstFrame && frame < firstFrame + count) {
        throw new IllegalStateException(
            "frame " + frame + " is still granted (ref " + ref + "): end access before freeing");
      }
    }
  }

  private void checkRef(int ref) {
    if (ref < 0 || ref >= entries) {
      throw new GrantException(GNTST_BAD_GNTREF, "ref " + Integer.toUnsignedString(ref) + " outside the table");
    }
  }

  private static void checkDomid(int domid) {
    if (domid < 0 || domid >= GrantEntryV1.DOMID_SELF) {
      throw new GrantException(GNTST_BAD_DOMAIN, "bad domid " + domid);
    }
  }

  @Override
  public String toString() {
    return "SimGrantTable[domain " + domain.domid() + ", " + entries + " entries]";
  }
}
