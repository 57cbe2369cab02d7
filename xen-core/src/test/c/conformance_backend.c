/*
 * Morgana's Xen ABI conformance backend.
 *
 * An independent backend written against Xen's own public headers (Debian libxen-dev:
 * <xen/io/ring.h>, <xen/io/console.h>, <xen/io/blkif.h>, <xen/io/netif.h>, <xen/grant_table.h>)
 * and their RING_* macros. It plays a backend domain of Morgana's simulated hypervisor from a
 * separate process:
 *
 *   - machine memory is a file that the JVM maps too: frame f is at byte f * 4096;
 *   - the frontend's grant table (real grant_entry_v1 entries) lives in that memory; mapping a
 *     grant checks GTF_permit_access, the grantee domid and GTF_readonly, and sets GTF_reading /
 *     GTF_writing with a compare-and-swap as Xen does (cleared again on exit);
 *   - event channels: the JVM writes the number of our port (u32, native order) to our stdin for
 *     every event delivered to us; we notify by writing our port number to stdout.
 *
 * Modes:
 *   layout                       print sizeof/offsetof of the structures, one "name=value" a line
 *   console MEM GT_FRAME GT_ENTRIES FRONT_DOMID MY_DOMID PORT REF
 *                                xencons_interface backend: says "ready\n", then echoes every byte
 *                                of the out ring into the in ring
 *   blkif MEM GT_FRAME GT_ENTRIES FRONT_DOMID MY_DOMID PORT START NREFS REF...
 *                                blkif backend over a ring of NREFS pages whose free-running
 *                                indices stand at START (BACK_RING_ATTACH): checks each request's
 *                                fields against the pattern the Java test writes and answers
 *                                BLKIF_RSP_OKAY or BLKIF_RSP_ERROR; decides itself, with ring.h's
 *                                rule, when the frontend owes it a notification (see "due" below)
 *                                and exits 3 naming over- or under-notification
 *
 *   netif MEM GT_FRAME GT_ENTRIES FRONT_DOMID MY_DOMID PORT TXREF RXREF
 *                                netif backend for a real netfront: echoes every tx packet on rx
 *   blkdisk MEM GT_FRAME GT_ENTRIES FRONT_DOMID MY_DOMID PORT SECTORS MAXSEGS NREFS REF...
 *                                blkif backend for a real blkfront over a RAM disk
 *
 * On stdin EOF it unmaps its grants and prints its counters to stderr as "name=value" lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The barriers ring.h expects from its includer for interface versions >= 0x00030208 (x86: wmb
 * and rmb only order the compiler, mb is a real fence). Built with -D__XEN_INTERFACE_VERSION__
 * = 0x00040e00, the latest in xen-compat.h.
 */
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define xen_mb() mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()

#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/console.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#define PAGE 4096u

static uint8_t *memory;
static size_t memory_size;
static grant_entry_v1_t *gnttab;
static uint32_t gnttab_entries;
static uint16_t front_domid, my_domid;
static uint32_t my_port;

static unsigned long events_received, notifies_sent;

static void die(const char *what) {
  fprintf(stderr, "conformance_backend: %s\n", what);
  exit(3);
}

static unsigned long arg(const char *s) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 0);
  if (errno || *end) die("bad number argument");
  return v;
}

static void open_memory(const char *path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) die("cannot open memory file");
  struct stat st;
  if (fstat(fd, &st) < 0) die("cannot stat memory file");
  memory_size = (size_t)st.st_size;
  memory = mmap(NULL, memory_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (memory == MAP_FAILED) die("cannot map memory file");
  close(fd);
}

/* Xen's acquire of a grant for mapping: checks and marks the entry. Returns the frame. */
static uint32_t map_grant(uint32_t ref, int writable) {
  if (ref >= gnttab_entries) die("grant ref outside the table");
  grant_entry_v1_t *e = &gnttab[ref];
  uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
  for (;;) {
    if ((flags & GTF_type_mask) != GTF_permit_access) die("grant not permit_access");
    if (e->domid != my_domid) die("grant is for another domain");
    if (writable && (flags & GTF_readonly)) die("writable mapping of a read-only grant");
    uint16_t marked = flags | GTF_reading | (writable ? GTF_writing : 0);
    if (__atomic_compare_exchange_n(&e->flags, &flags, marked, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) break;
  }
  uint32_t frame = e->frame;
  if ((size_t)(frame + 1) * PAGE > memory_size || frame == 0) die("granted frame outside memory");
  return frame;
}

static void unmap_grant(uint32_t ref) {
  grant_entry_v1_t *e = &gnttab[ref];
  __atomic_fetch_and(&e->flags, (uint16_t)~(GTF_reading | GTF_writing), __ATOMIC_ACQ_REL);
}

/* Waits for one event; returns 0 at EOF. */
static int wait_event(void) {
  uint32_t port;
  size_t got = 0;
  while (got < sizeof port) {
    ssize_t n = read(0, (char *)&port + got, sizeof port - got);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      die("read of event pipe failed");
    }
    got += (size_t)n;
  }
  if (port != my_port) die("event for a port that is not ours");
  events_received++;
  return 1;
}

static void notify(void) {
  if (write(1, &my_port, sizeof my_port) != (ssize_t)sizeof my_port) die("write of event pipe failed");
  notifies_sent++;
}

#define PRINT_SIZE(t) printf("sizeof.%s=%zu\n", #t, sizeof(t))
#define PRINT_OFF(t, f) printf("offsetof.%s.%s=%zu\n", #t, #f, offsetof(t, f))

static int layout(void) {
  PRINT_SIZE(grant_entry_v1_t);
  PRINT_OFF(grant_entry_v1_t, flags);
  PRINT_OFF(grant_entry_v1_t, domid);
  PRINT_OFF(grant_entry_v1_t, frame);
  printf("const.GTF_permit_access=%d\nconst.GTF_readonly=%d\nconst.GTF_reading=%d\nconst.GTF_writing=%d\n",
         GTF_permit_access, GTF_readonly, GTF_reading, GTF_writing);
  printf("const.GNTTAB_NR_RESERVED_ENTRIES=%d\nconst.GNTTAB_RESERVED_CONSOLE=%d\n",
         GNTTAB_NR_RESERVED_ENTRIES, GNTTAB_RESERVED_CONSOLE);
  printf("const.GNTTAB_RESERVED_XENSTORE=%d\n", GNTTAB_RESERVED_XENSTORE);
  printf("const.GTF_invalid=%d\nconst.GTF_accept_transfer=%d\nconst.GTF_transitive=%d\nconst.GTF_type_mask=%d\n",
         GTF_invalid, GTF_accept_transfer, GTF_transitive, GTF_type_mask);
  printf("const.GNTST_okay=%d\nconst.GNTST_general_error=%d\nconst.GNTST_bad_domain=%d\n"
         "const.GNTST_bad_gntref=%d\nconst.GNTST_bad_handle=%d\nconst.GNTST_permission_denied=%d\n"
         "const.GNTST_bad_page=%d\nconst.GNTST_bad_copy_arg=%d\nconst.GNTST_eagain=%d\nconst.GNTST_no_space=%d\n",
         GNTST_okay, GNTST_general_error, GNTST_bad_domain, GNTST_bad_gntref, GNTST_bad_handle,
         GNTST_permission_denied, GNTST_bad_page, GNTST_bad_copy_arg, GNTST_eagain, GNTST_no_space);
  printf("const.DOMID_SELF=%d\nconst.DOMID_INVALID=%d\n", (int)DOMID_SELF, (int)DOMID_INVALID);
  printf("const.XenbusStateUnknown=%d\nconst.XenbusStateInitialising=%d\nconst.XenbusStateInitWait=%d\n"
         "const.XenbusStateInitialised=%d\nconst.XenbusStateConnected=%d\nconst.XenbusStateClosing=%d\n"
         "const.XenbusStateClosed=%d\nconst.XenbusStateReconfiguring=%d\nconst.XenbusStateReconfigured=%d\n",
         XenbusStateUnknown, XenbusStateInitialising, XenbusStateInitWait, XenbusStateInitialised,
         XenbusStateConnected, XenbusStateClosing, XenbusStateClosed, XenbusStateReconfiguring,
         XenbusStateReconfigured);

  PRINT_SIZE(struct xencons_interface);
  PRINT_OFF(struct xencons_interface, in);
  PRINT_OFF(struct xencons_interface, out);
  PRINT_OFF(struct xencons_interface, in_cons);
  PRINT_OFF(struct xencons_interface, in_prod);
  PRINT_OFF(struct xencons_interface, out_cons);
  PRINT_OFF(struct xencons_interface, out_prod);

  PRINT_OFF(struct blkif_sring, req_prod);
  PRINT_OFF(struct blkif_sring, req_event);
  PRINT_OFF(struct blkif_sring, rsp_prod);
  PRINT_OFF(struct blkif_sring, rsp_event);
  PRINT_OFF(struct blkif_sring, pvt);
  PRINT_OFF(struct blkif_sring, __pad);
  PRINT_OFF(struct blkif_sring, ring);
  PRINT_OFF(struct netif_tx_sring, ring);
  PRINT_OFF(struct netif_rx_sring, ring);
  PRINT_SIZE(union blkif_sring_entry);
  PRINT_SIZE(union netif_tx_sring_entry);
  PRINT_SIZE(union netif_rx_sring_entry);
  PRINT_SIZE(union xen_netif_ctrl_sring_entry);
  for (unsigned order = 0; order <= 4; order++) {
    printf("ringsize.blkif.%u=%lu\n", order, (unsigned long)__CONST_RING_SIZE(blkif, PAGE << order));
    printf("ringsize.netif_tx.%u=%lu\n", order, (unsigned long)__CONST_RING_SIZE(netif_tx, PAGE << order));
    printf("ringsize.netif_rx.%u=%lu\n", order, (unsigned long)__CONST_RING_SIZE(netif_rx, PAGE << order));
    printf("ringsize.xen_netif_ctrl.%u=%lu\n", order, (unsigned long)__CONST_RING_SIZE(xen_netif_ctrl, PAGE << order));
  }

  PRINT_SIZE(struct blkif_request);
  PRINT_OFF(struct blkif_request, operation);
  PRINT_OFF(struct blkif_request, nr_segments);
  PRINT_OFF(struct blkif_request, handle);
  PRINT_OFF(struct blkif_request, id);
  PRINT_OFF(struct blkif_request, sector_number);
  PRINT_OFF(struct blkif_request, seg);
  PRINT_SIZE(struct blkif_request_segment);
  PRINT_OFF(struct blkif_request_segment, gref);
  PRINT_OFF(struct blkif_request_segment, first_sect);
  PRINT_OFF(struct blkif_request_segment, last_sect);
  PRINT_SIZE(struct blkif_response);
  PRINT_OFF(struct blkif_response, id);
  PRINT_OFF(struct blkif_response, operation);
  PRINT_OFF(struct blkif_response, status);

  PRINT_SIZE(struct netif_tx_request);
  PRINT_OFF(struct netif_tx_request, gref);
  PRINT_OFF(struct netif_tx_request, offset);
  PRINT_OFF(struct netif_tx_request, flags);
  PRINT_OFF(struct netif_tx_request, id);
  PRINT_OFF(struct netif_tx_request, size);
  PRINT_SIZE(struct netif_tx_response);
  PRINT_OFF(struct netif_tx_response, id);
  PRINT_OFF(struct netif_tx_response, status);
  PRINT_SIZE(struct netif_rx_request);
  PRINT_OFF(struct netif_rx_request, id);
  PRINT_OFF(struct netif_rx_request, gref);
  PRINT_SIZE(struct netif_rx_response);
  PRINT_OFF(struct netif_rx_response, id);
  PRINT_OFF(struct netif_rx_response, offset);
  PRINT_OFF(struct netif_rx_response, flags);
  PRINT_OFF(struct netif_rx_response, status);
  PRINT_SIZE(struct netif_extra_info);
  return 0;
}

static void common_args(char **argv) {
  open_memory(argv[0]);
  uint32_t gt_frame = (uint32_t)arg(argv[1]);
  gnttab_entries = (uint32_t)arg(argv[2]);
  if ((size_t)gt_frame * PAGE + (size_t)gnttab_entries * sizeof(grant_entry_v1_t) > memory_size)
    die("grant table outside memory");
  gnttab = (grant_entry_v1_t *)(memory + (size_t)gt_frame * PAGE);
  front_domid = (uint16_t)arg(argv[3]);
  my_domid = (uint16_t)arg(argv[4]);
  my_port = (uint32_t)arg(argv[5]);
}

/* ------------------------------------------------------------------ console */

static int console(char **argv) {
  common_args(argv);
  uint32_t ref = (uint32_t)arg(argv[6]);
  struct xencons_interface *intf = (struct xencons_interface *)(memory + (size_t)map_grant(ref, 1) * PAGE);
  unsigned long echoed = 0;
  const char *banner = "ready\n";
  size_t banner_left = strlen(banner);

  for (;;) {
    int progress = 1;
    while (progress) {
      progress = 0;
      XENCONS_RING_IDX out_cons = intf->out_cons, out_prod = intf->out_prod;
      XENCONS_RING_IDX in_cons = intf->in_cons, in_prod = intf->in_prod;
      mb();
      if ((XENCONS_RING_IDX)(out_prod - out_cons) > sizeof(intf->out)) die("out ring indices corrupt");
      if ((XENCONS_RING_IDX)(in_prod - in_cons) > sizeof(intf->in)) die("in ring indices corrupt");
      XENCONS_RING_IDX space = sizeof(intf->in) - (in_prod - in_cons);
      while (banner_left && space) {
        intf->in[MASK_XENCONS_IDX(in_prod++, intf->in)] = *banner++;
        banner_left--;
        space--;
        progress = 1;
      }
      XENCONS_RING_IDX n = out_prod - out_cons;
      if (n > space) n = space;
      for (XENCONS_RING_IDX i = 0; i < n; i++) {
        intf->in[MASK_XENCONS_IDX(in_prod++, intf->in)] = intf->out[MASK_XENCONS_IDX(out_cons++, intf->out)];
      }
      echoed += n;
      if (progress || n) {
        wmb(); /* data before the producer index */
        intf->in_prod = in_prod;
        mb(); /* out data read before its space is released */
        intf->out_cons = out_cons;
        notify();
        progress = 1;
      }
    }
    if (!wait_event()) break;
  }
  unmap_grant(ref);
  fprintf(stderr, "echoed=%lu\nevents=%lu\nnotifies=%lu\n", echoed, events_received, notifies_sent);
  return 0;
}

/* ------------------------------------------------------------------ notification due-ness */

/*
 * When does the frontend owe the backend an event? ring.h's rule (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY):
 * a push from old to new req_prod notifies iff req_event lies in (old, new]. Only the backend writes
 * req_event (RING_FINAL_CHECK_FOR_REQUESTS: req_event = req_cons + 1), and req_prod crosses each
 * value at most once, so each distinct req_event value the backend arms justifies at most one event,
 * and only once req_prod has passed it. We count those ("crossed") independently of the frontend:
 *
 *   over-notification:  more events than crossed armings (+1, the event Xen raises at bind);
 *   under-notification: the backend sleeps having armed E after seeing req_prod == req_cons < E,
 *                       req_prod then passes E, and no event comes (two poll timeouts in a row).
 */
struct due {
  const volatile RING_IDX *req_prod;
  const volatile RING_IDX *req_event;
  RING_IDX armed_event;
  int armed_pending;
  unsigned long armings, crossed;
};
static struct due *dues[2];
static int ndues;

static void due_watch(struct due *d, void *sring) {
  /* every ring's sring starts with req_prod, req_event (ring.h) */
  d->req_prod = (const volatile RING_IDX *)sring;
  d->req_event = (const volatile RING_IDX *)sring + 1;
  d->armings = d->crossed = 0;
  d->armed_pending = 0;
  dues[ndues++] = d;
}

static void observe(struct due *d) {
  RING_IDX rp = *d->req_prod;
  if (d->armed_pending && (int32_t)(rp - d->armed_event) >= 0) {
    d->armed_pending = 0;
    d->crossed++;
  }
}

/* After RING_FINAL_CHECK_FOR_REQUESTS (or at attach): note the req_event the backend asks for. */
static void note_armed(struct due *d) {
  mb();
  observe(d);
  RING_IDX e = *d->req_event;
  if (e != d->armed_event || d->armings == 0) {
    if (d->armed_pending) die("req_event moved before req_prod passed the previous one");
    d->armed_event = e;
    d->armed_pending = 1;
    d->armings++;
    observe(d);
  }
}

static unsigned long crossed_total(void) {
  unsigned long c = 0;
  for (int i = 0; i < ndues; i++) c += dues[i]->crossed;
  return c;
}

/* wait_event with the due-ness checks over every watched ring. */
static int wait_due_event(void) {
  int strikes = 0;
  for (;;) {
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int r = poll(&p, 1, 1500);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("poll of event pipe failed");
    }
    if (r == 0) {
      mb();
      int owed = 0;
      for (int i = 0; i < ndues; i++) {
        struct due *d = dues[i];
        RING_IDX rp = *d->req_prod;
        if (d->armed_pending && (int32_t)(rp - d->armed_event) >= 0) {
          owed = 1;
          if (strikes >= 1) {
            fprintf(stderr, "conformance_backend: under-notification: ring %d: req_prod %u passed req_event %u and no event came\n",
                    i, (unsigned)rp, (unsigned)d->armed_event);
            exit(3);
          }
        }
      }
      strikes = owed ? strikes + 1 : 0;
      continue;
    }
    if (!wait_event()) return 0;
    rmb();
    for (int i = 0; i < ndues; i++) observe(dues[i]);
    if (events_received > crossed_total() + 1) {
      fprintf(stderr, "conformance_backend: over-notification: event %lu, but req_prod passed only %lu of the "
              "req_event values armed (+1 at bind)\n", events_received, crossed_total());
      exit(3);
    }
    return 1;
  }
}

/* ------------------------------------------------------------------ blkif */

/* The pattern the Java test writes into request `id`; returns 1 if `req` matches it. */
static int request_matches(const blkif_request_t *req) {
  uint64_t id = req->id;
  if (req->operation != (uint8_t)(id & 1)) return 0;
  if (req->nr_segments != (uint8_t)(id % BLKIF_MAX_SEGMENTS_PER_REQUEST + 1)) return 0;
  if (req->handle != (blkif_vdev_t)0x1234) return 0;
  if (req->sector_number != id * 8) return 0;
  for (unsigned k = 0; k < req->nr_segments; k++) {
    if (req->seg[k].gref != (grant_ref_t)(id * 16 + k)) return 0;
    if (req->seg[k].first_sect != k % 8) return 0;
    if (req->seg[k].last_sect != 7) return 0;
  }
  return 1;
}

static int blkif(int argc, char **argv) {
  common_args(argv);
  RING_IDX start = (RING_IDX)arg(argv[6]);
  uint32_t nrefs = (uint32_t)arg(argv[7]);
  if (nrefs < 1 || nrefs > 16 || argc < 8 + (int)nrefs) die("bad ring ref list");
  uint32_t refs[16];
  uint32_t first_frame = 0;
  for (uint32_t i = 0; i < nrefs; i++) {
    refs[i] = (uint32_t)arg(argv[8 + i]);
    uint32_t frame = map_grant(refs[i], 1);
    if (i == 0) first_frame = frame;
    else if (frame != first_frame + i) die("ring pages are not contiguous in the memory file");
  }
  blkif_sring_t *sring = (blkif_sring_t *)(memory + (size_t)first_frame * PAGE);
  blkif_back_ring_t back;
  BACK_RING_ATTACH(&back, sring, start, PAGE * nrefs);
  unsigned long requests = 0, bad = 0, pushes = 0;
  static struct due due;
  due_watch(&due, sring);
  note_armed(&due); /* as the frontend initialised it */

  for (;;) {
    int more;
    do {
      RING_IDX rp = back.sring->req_prod;
      rmb();
      if (RING_REQUEST_PROD_OVERFLOW(&back, rp)) die("frontend overflowed the request ring");
      int answered = 0;
      while (back.req_cons != rp && !RING_REQUEST_CONS_OVERFLOW(&back, back.req_cons)) {
        blkif_request_t req;
        RING_COPY_REQUEST(&back, back.req_cons, &req);
        back.req_cons++;
        requests++;
        int ok = request_matches(&req);
        if (!ok) bad++;
        blkif_response_t *rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
        rsp->id = req.id;
        rsp->operation = req.operation;
        rsp->status = ok ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
        back.rsp_prod_pvt++;
        answered++;
      }
      if (answered) {
        int notify_needed;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify_needed);
        pushes++;
        if (notify_needed) notify();
      }
      RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
      note_armed(&due);
    } while (more);
    if (!wait_due_event()) break;
  }
  for (uint32_t i = 0; i < nrefs; i++) unmap_grant(refs[i]);
  fprintf(stderr, "requests=%lu\nbad=%lu\npushes=%lu\nevents=%lu\nnotifies=%lu\nring_size=%u\nreq_cons=%u\n"
          "armings=%lu\ncrossed=%lu\n",
          requests, bad, pushes, events_received, notifies_sent, (unsigned)RING_SIZE(&back), (unsigned)back.req_cons,
          due.armings, due.crossed);
  return 0;
}

/* ------------------------------------------------------------------ netif (a real netfront) */

/*
 * Serves a netfront's tx and rx rings (one event channel) with ring.h's macros and netif.h's
 * structs, echoing every transmitted packet back on the receive ring. Checks each tx packet as
 * Linux netback does (slot inside its page, first size = whole packet >= the fragments, no
 * extra-info, at most 19 slots, >= 14 bytes) and each rx request (id < ring size, grant writable).
 */
static int netif(char **argv) {
  common_args(argv);
  uint32_t txref = (uint32_t)arg(argv[6]), rxref = (uint32_t)arg(argv[7]);
  netif_tx_sring_t *txs = (netif_tx_sring_t *)(memory + (size_t)map_grant(txref, 1) * PAGE);
  netif_rx_sring_t *rxs = (netif_rx_sring_t *)(memory + (size_t)map_grant(rxref, 1) * PAGE);
  netif_tx_back_ring_t tx;
  netif_rx_back_ring_t rx;
  BACK_RING_ATTACH(&tx, txs, 0, PAGE);
  BACK_RING_ATTACH(&rx, rxs, 0, PAGE);
  static struct due dtx, drx;
  due_watch(&dtx, txs);
  note_armed(&dtx);
  due_watch(&drx, rxs);
  note_armed(&drx);
  static unsigned char pkt[65536];
  unsigned pkt_len = 0;
  unsigned long packets = 0, bad = 0, echoed = 0, bytes = 0;

  for (;;) {
    for (;;) {
      int progress = 0;
      if (pkt_len == 0) {
        RING_IDX rp = tx.sring->req_prod;
        rmb();
        if (RING_REQUEST_PROD_OVERFLOW(&tx, rp)) die("frontend overflowed the tx ring");
        if (tx.req_cons != rp) {
          netif_tx_request_t reqs[20];
          unsigned n = 0;
          do {
            if (tx.req_cons + n == rp) die("a tx packet's slots are not all published");
            if (n == 20) die("a tx packet of more than 20 slots");
            RING_COPY_REQUEST(&tx, tx.req_cons + n, &reqs[n]);
            n++;
          } while (reqs[n - 1].flags & NETTXF_more_data);
          int ok = 1;
          unsigned rest = 0;
          for (unsigned k = 1; k < n; k++) rest += reqs[k].size;
          if (reqs[0].flags & NETTXF_extra_info) ok = 0;
          if (n > XEN_NETIF_NR_SLOTS_MIN + 1) ok = 0;
          if (reqs[0].size < rest || reqs[0].size < 14) ok = 0;
          unsigned len = 0;
          for (unsigned k = 0; ok && k < n; k++) {
            unsigned size = k == 0 ? reqs[0].size - rest : reqs[k].size;
            if (reqs[k].offset + size > PAGE) { ok = 0; break; }
            uint32_t frame = map_grant(reqs[k].gref, 0);
            memcpy(pkt + len, memory + (size_t)frame * PAGE + reqs[k].offset, size);
            unmap_grant(reqs[k].gref);
            len += size;
          }
          for (unsigned k = 0; k < n; k++) {
            netif_tx_response_t *rsp = RING_GET_RESPONSE(&tx, tx.rsp_prod_pvt);
            rsp->id = reqs[k].id;
            rsp->status = ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR;
            tx.rsp_prod_pvt++;
          }
          tx.req_cons += n;
          packets++;
          if (ok) { pkt_len = len; bytes += len; } else bad++;
          int notify_needed;
          RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&tx, notify_needed);
          if (notify_needed) notify();
          progress = 1;
        }
      }
      if (pkt_len) {
        unsigned slots = (pkt_len + PAGE - 1) / PAGE;
        RING_IDX rrp = rx.sring->req_prod;
        rmb();
        if (RING_REQUEST_PROD_OVERFLOW(&rx, rrp)) die("frontend overflowed the rx ring");
        if (rrp - rx.req_cons >= slots) {
          for (unsigned k = 0; k < slots; k++) {
            netif_rx_request_t rreq;
            RING_COPY_REQUEST(&rx, rx.req_cons, &rreq);
            rx.req_cons++;
            if (rreq.id >= RING_SIZE(&rx)) bad++;
            unsigned chunk = pkt_len - k * PAGE < PAGE ? pkt_len - k * PAGE : PAGE;
            uint32_t frame = map_grant(rreq.gref, 1);
            memcpy(memory + (size_t)frame * PAGE, pkt + k * PAGE, chunk);
            unmap_grant(rreq.gref);
            netif_rx_response_t *rsp = RING_GET_RESPONSE(&rx, rx.rsp_prod_pvt); /* the request's own slot */
            rsp->id = rreq.id;
            rsp->offset = 0;
            rsp->flags = k + 1 < slots ? NETRXF_more_data : 0;
            rsp->status = (int16_t)chunk;
            rx.rsp_prod_pvt++;
          }
          int notify_needed;
          RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rx, notify_needed);
          if (notify_needed) notify();
          pkt_len = 0;
          echoed++;
          progress = 1;
        }
      }
      if (progress) continue;
      int more;
      if (pkt_len == 0) {
        RING_FINAL_CHECK_FOR_REQUESTS(&tx, more);
        note_armed(&dtx);
      } else {
        RING_FINAL_CHECK_FOR_REQUESTS(&rx, more);
        note_armed(&drx);
      }
      if (!more) break;
    }
    if (!wait_due_event()) break;
  }
  unmap_grant(txref);
  unmap_grant(rxref);
  fprintf(stderr, "packets=%lu\nbad=%lu\nechoed=%lu\nbytes=%lu\nevents=%lu\nnotifies=%lu\ncrossed=%lu\n", packets, bad,
          echoed, bytes, events_received, notifies_sent, crossed_total());
  return 0;
}

/* ------------------------------------------------------------------ blkdisk (a real blkfront) */

/*
 * Serves a blkfront's ring over a RAM disk of SECTORS 512-byte sectors, with blkif.h's structs:
 * checks every request as Linux blkback does (operation, 1..11 segments or indirect up to MAXSEGS,
 * first_sect <= last_sect <= 7, range, grant permissions: reads need writable grants) and answers
 * BLKIF_RSP_OKAY, or BLKIF_RSP_ERROR counting it "bad".
 */
static int blkdisk(int argc, char **argv) {
  common_args(argv);
  uint64_t sectors = arg(argv[6]);
  unsigned maxsegs = (unsigned)arg(argv[7]);
  uint32_t nrefs = (uint32_t)arg(argv[8]);
  if (nrefs < 1 || nrefs > 16 || argc < 9 + (int)nrefs) die("bad ring ref list");
  uint32_t refs[16];
  uint32_t first_frame = 0;
  for (uint32_t i = 0; i < nrefs; i++) {
    refs[i] = (uint32_t)arg(argv[9 + i]);
    uint32_t frame = map_grant(refs[i], 1);
    if (i == 0) first_frame = frame;
    else if (frame != first_frame + i) die("ring pages are not contiguous in the memory file");
  }
  uint8_t *disk = calloc(sectors, 512);
  if (!disk) die("no memory for the disk");
  blkif_sring_t *sring = (blkif_sring_t *)(memory + (size_t)first_frame * PAGE);
  blkif_back_ring_t back;
  BACK_RING_ATTACH(&back, sring, 0, PAGE * nrefs);
  static struct due due;
  due_watch(&due, sring);
  note_armed(&due);
  unsigned long requests = 0, bad = 0, reads = 0, writes = 0, indirect = 0, flushes = 0, discards = 0, sectors_moved = 0;
  static struct blkif_request_segment segs[4096];

  for (;;) {
    int more;
    do {
      RING_IDX rp = back.sring->req_prod;
      rmb();
      if (RING_REQUEST_PROD_OVERFLOW(&back, rp)) die("frontend overflowed the request ring");
      int answered = 0;
      while (back.req_cons != rp && !RING_REQUEST_CONS_OVERFLOW(&back, back.req_cons)) {
        blkif_request_t req;
        RING_COPY_REQUEST(&back, back.req_cons, &req);
        back.req_cons++;
        requests++;
        int ok = 1, op = req.operation, rsp_op = req.operation;
        unsigned n = 0;
        uint64_t sector = req.sector_number;
        if (op == BLKIF_OP_READ || op == BLKIF_OP_WRITE) {
          n = req.nr_segments;
          if (n == 0 || n > BLKIF_MAX_SEGMENTS_PER_REQUEST) ok = 0;
          else memcpy(segs, req.seg, n * sizeof segs[0]);
        } else if (op == BLKIF_OP_INDIRECT) {
          struct blkif_request_indirect *ind = (struct blkif_request_indirect *)&req;
          op = rsp_op = ind->indirect_op;
          n = ind->nr_segments;
          sector = ind->sector_number;
          if ((op != BLKIF_OP_READ && op != BLKIF_OP_WRITE) || n == 0 || n > maxsegs) ok = 0;
          unsigned pages = (n + 511) / 512;
          if (pages > BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST) ok = 0;
          for (unsigned p = 0; ok && p < pages; p++) {
            uint32_t frame = map_grant(ind->indirect_grefs[p], 0);
            unsigned cnt = n - p * 512 < 512 ? n - p * 512 : 512;
            memcpy(segs + p * 512, memory + (size_t)frame * PAGE, cnt * sizeof segs[0]);
            unmap_grant(ind->indirect_grefs[p]);
          }
          indirect++;
        } else if (op == BLKIF_OP_FLUSH_DISKCACHE) {
          flushes++;
        } else if (op == BLKIF_OP_DISCARD) {
          struct blkif_request_discard *d = (struct blkif_request_discard *)&req;
          if (d->sector_number > sectors || d->nr_sectors > sectors - d->sector_number) ok = 0;
          else memset(disk + d->sector_number * 512, 0, d->nr_sectors * 512);
          discards++;
        } else {
          ok = 0;
        }
        if (ok && n) {
          uint64_t total = 0;
          for (unsigned k = 0; k < n; k++) {
            if (segs[k].last_sect >= PAGE / 512 || segs[k].first_sect > segs[k].last_sect) { ok = 0; break; }
            total += segs[k].last_sect - segs[k].first_sect + 1;
          }
          if (ok && (sector > sectors || total > sectors - sector)) ok = 0;
          uint64_t at = sector * 512;
          for (unsigned k = 0; ok && k < n; k++) {
            unsigned off = segs[k].first_sect * 512, len = (segs[k].last_sect - segs[k].first_sect + 1) * 512;
            uint32_t frame = map_grant(segs[k].gref, op == BLKIF_OP_READ);
            if (op == BLKIF_OP_READ) memcpy(memory + (size_t)frame * PAGE + off, disk + at, len);
            else memcpy(disk + at, memory + (size_t)frame * PAGE + off, len);
            unmap_grant(segs[k].gref);
            at += len;
          }
          if (ok) {
            sectors_moved += total;
            if (op == BLKIF_OP_READ) reads++; else writes++;
          }
        }
        if (!ok) bad++;
        blkif_response_t *rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
        rsp->id = req.id;
        rsp->operation = rsp_op;
        rsp->status = ok ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
        back.rsp_prod_pvt++;
        answered++;
      }
      if (answered) {
        int notify_needed;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify_needed);
        if (notify_needed) notify();
      }
      RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
      note_armed(&due);
    } while (more);
    if (!wait_due_event()) break;
  }
  for (uint32_t i = 0; i < nrefs; i++) unmap_grant(refs[i]);
  fprintf(stderr, "requests=%lu\nbad=%lu\nreads=%lu\nwrites=%lu\nindirect=%lu\nflushes=%lu\ndiscards=%lu\nsectors_moved=%lu\n"
          "events=%lu\nnotifies=%lu\ncrossed=%lu\n", requests, bad, reads, writes, indirect, flushes, discards,
          sectors_moved, events_received, notifies_sent, crossed_total());
  free(disk);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "layout") == 0) return layout();
  if (argc >= 9 && strcmp(argv[1], "console") == 0) return console(argv + 2);
  if (argc >= 11 && strcmp(argv[1], "blkif") == 0) return blkif(argc - 2, argv + 2);
  if (argc >= 10 && strcmp(argv[1], "netif") == 0) return netif(argv + 2);
  if (argc >= 12 && strcmp(argv[1], "blkdisk") == 0) return blkdisk(argc - 2, argv + 2);
  fprintf(stderr,
          "usage: conformance_backend layout\n"
          "       conformance_backend console MEM GT_FRAME GT_ENTRIES FRONT_DOMID MY_DOMID PORT REF\n"
          "       conformance_backend blkif MEM GT_FRAME GT_ENTRIES FRONT_DOMID MY_DOMID PORT START NREFS REF...\n");
  return 2;
}
