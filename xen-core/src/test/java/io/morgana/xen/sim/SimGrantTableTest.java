package io.morgana.xen.sim;

import static io.morgana.xen.grant.GrantEntryV1.GNTST_BAD_COPY_ARG;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_BAD_GNTREF;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_EAGAIN;
import static io.morgana.xen.grant.GrantEntryV1.GNTST_PERMISSION_DENIED;
import static io.morgana.xen.grant.GrantEntryV1.GTF_PERMIT_ACCESS;
import static io.morgana.xen.grant.GrantEntryV1.GTF_READING;
import static io.morgana.xen.grant.GrantEntryV1.GTF_READONLY;
import static io.morgana.xen.grant.GrantEntryV1.GTF_WRITING;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.grant.GrantException;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.platform.Pages;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimGrantTableTest {

  private SimHypervisor hv;
  private SimDomain guest;
  private SimDomain backend;
  private SimDomain other;

  @BeforeEach
  void domains() {
    hv = new SimHypervisor(SimMemory.allocate(256));
    DeterministicLoop loop = new DeterministicLoop();
    backend = hv.createDomain(0, loop);
    guest = hv.createDomain(1, loop);
    other = hv.createDomain(2, loop);
  }

  @Test
  void grantTableH_grantWritesARealGrantEntryV1() {
    Pages page = guest.allocatePages(1);
    int ref = guest.grants().grantAccess(0, page, 0, true);
    assertTrue(ref >= GrantEntryV1.NR_RESERVED_ENTRIES, "refs 0..7 are reserved");
    MemorySegment table = guest.grants().segment();
    long at = (long) ref * 8;
    assertEquals(GTF_PERMIT_ACCESS | GTF_READONLY, table.get(JAVA_SHORT, at));
    assertEquals(0, table.get(JAVA_SHORT, at + 2), "domid");
    assertEquals((int) page.frame(0), table.get(JAVA_INT, at + 4), "frame");
    assertEquals(1, hv.memory().owner(page.frame(0)), "the page is the guest's");
  }

  @Test
  void mapSeesTheGrantorsBytesAndWritesBack() {
    Pages page = guest.allocatePages(1);
    page.page(0).set(JAVA_BYTE, 100, (byte) 42);
    int ref = guest.grants().grantAccess(0, page, 0, false);
    try (MappedGrants m = backend.grants().map(1, ref, false)) {
      assertEquals(42, m.segment().get(JAVA_BYTE, 100));
      m.segment().set(JAVA_BYTE, 101, (byte) 7);
      assertEquals(7, page.page(0).get(JAVA_BYTE, 101));
      int flags = GrantEntryV1.flags(guest.grants().segment(), ref);
      assertEquals(GTF_PERMIT_ACCESS | GTF_READING | GTF_WRITING, flags);
    }
    assertEquals(GTF_PERMIT_ACCESS, GrantEntryV1.flags(guest.grants().segment(), ref));
  }

  @Test
  void aDomainMapsOnlyWhatWasGrantedToIt() {
    Pages page = guest.allocatePages(1);
    int ref = guest.grants().grantAccess(0, page, 0, false);
    GrantException e = assertThrows(GrantException.class, () -> other.grants().map(1, ref, true));
    assertEquals(GNTST_PERMISSION_DENIED, e.status());
    GrantException ungranted = assertThrows(GrantException.class, () -> backend.grants().map(1, ref + 1, true));
    assertEquals(GNTST_BAD_GNTREF, ungranted.status());
    GrantException outside = assertThrows(GrantException.class, () -> backend.grants().map(1, 1 << 20, true));
    assertEquals(GNTST_BAD_GNTREF, outside.status());
    GrantException negative = assertThrows(GrantException.class, () -> backend.grants().map(1, -1, true));
    assertEquals(GNTST_BAD_GNTREF, negative.status());
  }

  @Test
  void gtfReadonly_refusesWritableMappingsAndWritableCopies() {
    Pages page = guest.allocatePages(1);
    int ref = guest.grants().grantAccess(0, page, 0, true);
    assertEquals(GNTST_PERMISSION_DENIED, assertThrows(GrantException.class, () -> backend.grants().map(1, ref, false)).status());
    MemorySegment src = MemorySegment.ofArray(new byte[] {1, 2, 3});
    assertEquals(GNTST_PERMISSION_DENIED, assertThrows(GrantException.class, () -> backend.grants().copyTo(1, ref, 0, src)).status());
    try (MappedGrants m = backend.grants().map(1, ref, true)) {
      assertTrue(m.segment().isReadOnly());
      assertThrows(IllegalArgumentException.class, () -> m.segment().set(JAVA_BYTE, 0, (byte) 1));
      assertEquals(GTF_PERMIT_ACCESS | GTF_READONLY | GTF_READING, GrantEntryV1.flags(guest.grants().segment(), ref));
    }
    assertEquals(0, page.page(0).get(JAVA_BYTE, 0), "nothing was written");
  }

  @Test
  void aGrantInUseCannotBeRevoked() {
    Pages page = guest.allocatePages(1);
    int ref = guest.grants().grantAccess(0, page, 0, false);
    MappedGrants m = backend.grants().map(1, ref, false);
    assertTrue(guest.grants().inUse(ref));
    assertFalse(guest.grants().endAccess(ref), "revoking a mapped grant must fail");
    assertEquals(GTF_PERMIT_ACCESS | GTF_READING | GTF_WRITING, GrantEntryV1.flags(guest.grants().segment(), ref));
    MappedGrants second = backend.grants().map(1, ref, true);
    m.close();
    assertFalse(guest.grants().endAccess(ref), "still mapped read-only");
    assertEquals(GTF_PERMIT_ACCESS | GTF_READING, GrantEntryV1.flags(guest.grants().segment(), ref));
    second.close();
    assertTrue(guest.grants().endAccess(ref));
    assertEquals(0, GrantEntryV1.flags(guest.grants().segment(), ref));
    assertEquals(GNTST_BAD_GNTREF, assertThrows(GrantException.class, () -> backend.grants().map(1, ref, true)).status());
    assertEquals(GNTST_BAD_GNTREF, assertThrows(GrantException.class, () -> guest.grants().endAccess(ref)).status());
  }

  @Test
  void endedRefsAreReused() {
    Pages page = guest.allocatePages(1);
    int free = guest.grants().freeEntries();
    int ref = guest.grants().grantAccess(0, page, 0, false);
    assertEquals(free - 1, guest.grants().freeEntries());
    assertTrue(guest.grants().endAccess(ref));
    assertEquals(free, guest.grants().freeEntries());
  }

  @Test
  void copyToAndFromAGrantedPage() {
    Pages page = guest.allocatePages(1);
    int ref = guest.grants().grantAccess(0, page, 0, false);
    backend.grants().copyTo(1, ref, 4090, MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5, 6}));
    byte[] back = new byte[6];
    backend.grants().copyFrom(1, ref, 4090, MemorySegment.ofArray(back));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, back);
    assertEquals(GNTST_BAD_COPY_ARG, assertThrows(GrantException.class,
        () -> backend.grants().copyTo(1, ref, 4091, MemorySegment.ofArray(new byte[6]))).status());
    assertEquals(GNTST_BAD_COPY_ARG, assertThrows(GrantException.class,
        () -> backend.grants().copyFrom(1, ref, -1, MemorySegment.ofArray(new byte[1]))).status());
    assertEquals(GNTST_PERMISSION_DENIED, assertThrows(GrantException.class,
        () -> other.grants().copyFrom(1, ref, 0, MemorySegment.ofArray(new byte[1]))).status());
    assertFalse(guest.grants().inUse(ref), "a finished copy leaves no mark");
  }

  @Test
  void multiPageMappingIsContiguous() {
    SharedPages shared = guest.grants().share(0, 4, false);
    shared.pages().page(3).set(JAVA_BYTE, 5, (byte) 9);
    int[] refs = {shared.ref(0), shared.ref(1), shared.ref(2), shared.ref(3)};
    try (MappedGrants m = backend.grants().map(1, refs, false)) {
      assertEquals(4 * 4096, m.segment().byteSize());
      assertEquals(9, m.segment().get(JAVA_BYTE, 3 * 4096 + 5));
      assertEquals(GNTST_EAGAIN, assertThrows(GrantException.class, shared::close).status());
    }
    shared.close();
    assertEquals(GNTST_BAD_GNTREF, assertThrows(GrantException.class, () -> backend.grants().map(1, refs, true)).status());
  }

  @Test
  void failedMultiMapReleasesWhatItAcquired() {
    SharedPages shared = guest.grants().share(0, 2, false);
    Pages ro = guest.allocatePages(1);
    int readOnly = guest.grants().grantAccess(0, ro, 0, true);
    assertThrows(GrantException.class, () -> backend.grants().map(1, new int[] {shared.ref(0), readOnly}, false));
    assertFalse(guest.grants().inUse(shared.ref(0)));
  }

  @Test
  void pagesStillGrantedCannotBeFreed() {
    Pages page = guest.allocatePages(1);
    int ref = guest.grants().grantAccess(0, page, 0, false);
    assertThrows(IllegalStateException.class, page::close);
    assertTrue(guest.grants().endAccess(ref));
    page.close();
    assertEquals(-1, hv.memory().owner(page.frame(0)));
  }

  @Test
  void grantOfForeignPagesIsRefused() {
    Pages backendPage = backend.allocatePages(1);
    assertThrows(GrantException.class, () -> guest.grants().grantAccess(0, backendPage, 0, false));
  }

  @Test
  void aGrantNamingAFrameTheGrantorDoesNotOwnIsRefused() {
    Pages backendPage = backend.allocatePages(1);
    Pages page = guest.allocatePages(1);
    int ref = guest.grants().grantAccess(2, page, 0, false);
    // a hostile guest rewrites the frame of its own entry to point at the backend's memory
    guest.grants().segment().set(JAVA_INT, (long) ref * 8 + 4, (int) backendPage.frame(0));
    GrantException e = assertThrows(GrantException.class, () -> other.grants().map(1, ref, true));
    assertEquals(GrantEntryV1.GNTST_BAD_PAGE, e.status());
    assertFalse(guest.grants().inUse(ref));
  }
}
