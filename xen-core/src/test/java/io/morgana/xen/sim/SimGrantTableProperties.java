package io.morgana.xen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.grant.GrantException;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.platform.Pages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Xen's grant rules under any sequence of grants, maps, unmaps, copies and revocations by three
 * domains, checked against a small model: a domain maps only what was granted to it, never
 * writes a read-only grant, and a grant in use is never revoked; the entry's {@code
 * GTF_reading}/{@code GTF_writing} bits say exactly whether it is mapped (writable).
 */
class SimGrantTableProperties {

  private record Grant(int ref, int grantee, boolean readOnly) {}

  private record Mapping(MappedGrants mapped, int ref, boolean readOnly) {}

  @Property(tries = 200, seed = "20261129")
  void grantTableH_rulesHoldUnderAnySequence(@ForAll long seed) {
    Random random = new Random(seed);
    SimHypervisor hv = new SimHypervisor(SimMemory.allocate(64));
    DeterministicLoop loop = new DeterministicLoop();
    SimDomain[] doms = {hv.createDomain(0, loop), hv.createDomain(1, loop), hv.createDomain(2, loop)};
    SimDomain guest = doms[1];
    Pages pages = guest.allocatePages(4);
    Map<Integer, Grant> active = new HashMap<>();
    List<Mapping> mappings = new ArrayList<>();
    List<Integer> everGranted = new ArrayList<>();

    for (int step = 0; step < 200; step++) {
      switch (random.nextInt(5)) {
        case 0 -> {
          int grantee = random.nextBoolean() ? 0 : 2;
          boolean ro = random.nextBoolean();
          int ref = guest.grants().grantAccess(grantee, pages, random.nextInt(4), ro);
          assertTrue(!active.containsKey(ref), "a live ref handed out twice");
          active.put(ref, new Grant(ref, grantee, ro));
          everGranted.add(ref);
        }
        case 1 -> {
          if (everGranted.isEmpty()) {
            continue;
          }
          int ref = everGranted.get(random.nextInt(everGranted.size()));
          int mapper = random.nextInt(3);
          boolean ro = random.nextBoolean();
          Grant g = active.get(ref);
          boolean allowed = g != null && g.grantee() == mapper && mapper != 1 && (ro || !g.readOnly());
          try {
            MappedGrants m = doms[mapper].grants().map(1, ref, ro);
            if (!allowed) {
              fail("domain " + mapper + " mapped ref " + ref + " (" + g + ", readOnly " + ro + ")");
            }
            mappings.add(new Mapping(m, ref, ro));
          } catch (GrantException e) {
            if (allowed) {
              fail("domain " + mapper + " was refused ref " + ref + " granted to it: " + e.getMessage());
            }
          }
        }
        case 2 -> {
          if (!mappings.isEmpty()) {
            mappings.remove(random.nextInt(mappings.size())).mapped().close();
          }
        }
        case 3 -> {
          if (active.isEmpty()) {
            continue;
          }
          List<Integer> refs = new ArrayList<>(active.keySet());
          int ref = refs.get(random.nextInt(refs.size()));
          boolean inUse = mappings.stream().anyMatch(m -> m.ref() == ref);
          boolean ended = guest.grants().endAccess(ref);
          assertEquals(!inUse, ended, "endAccess of ref " + ref + " while " + (inUse ? "" : "not ") + "mapped");
          if (ended) {
            active.remove(ref);
          }
        }
        default -> {
          if (everGranted.isEmpty()) {
            continue;
          }
          int ref = everGranted.get(random.nextInt(everGranted.size()));
          int copier = random.nextInt(3);
          Grant g = active.get(ref);
          boolean write = random.nextBoolean();
          boolean allowed = g != null && g.grantee() == copier && copier != 1 && (!write || !g.readOnly());
          try {
            java.lang.foreign.MemorySegment buffer = java.lang.foreign.MemorySegment.ofArray(new byte[16]);
            if (write) {
              doms[copier].grants().copyTo(1, ref, 8, buffer);
            } else {
              doms[copier].grants().copyFrom(1, ref, 8, buffer);
            }
            if (!allowed) {
              fail("domain " + copier + " copied " + (write ? "to" : "from") + " ref " + ref + " (" + g + ")");
            }
          } catch (GrantException e) {
            if (allowed) {
              fail("copy refused: " + e.getMessage());
            }
          }
        }
      }
      for (Grant g : active.values()) {
        int flags = GrantEntryV1.flags(guest.grants().segment(), g.ref());
        boolean reading = mappings.stream().anyMatch(m -> m.ref() == g.ref());
        boolean writing = mappings.stream().anyMatch(m -> m.ref() == g.ref() && !m.readOnly());
        assertEquals(GrantEntryV1.GTF_PERMIT_ACCESS, flags & GrantEntryV1.GTF_TYPE_MASK);
        assertEquals(g.readOnly(), (flags & GrantEntryV1.GTF_READONLY) != 0);
        assertEquals(reading, (flags & GrantEntryV1.GTF_READING) != 0, "GTF_reading of ref " + g.ref());
        assertEquals(writing, (flags & GrantEntryV1.GTF_WRITING) != 0, "GTF_writing of ref " + g.ref());
      }
    }
  }
}
