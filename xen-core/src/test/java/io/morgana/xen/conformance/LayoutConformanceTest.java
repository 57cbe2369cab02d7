package io.morgana.xen.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.ring.ByteRing;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.xenbus.XenbusState;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java's layout constants against {@code sizeof}/{@code offsetof} printed by a C program compiled
 * against Xen's own headers: the independent proof that the layouts are Xen's.
 */
class LayoutConformanceTest {

  private static Map<String, Long> c;

  @BeforeAll
  static void printLayoutFromC() throws Exception {
    c = ConformanceBackend.layout();
  }

  private static void same(String key, long javaValue) {
    Long cValue = c.get(key);
    assertEquals(cValue, Long.valueOf(javaValue), key + ": C says " + cValue + ", Java says " + javaValue);
  }

  @Test
  void grantTableH_grantEntryV1() {
    same("sizeof.grant_entry_v1_t", GrantEntryV1.SIZE);
    same("offsetof.grant_entry_v1_t.flags", GrantEntryV1.FLAGS_OFFSET);
    same("offsetof.grant_entry_v1_t.domid", GrantEntryV1.DOMID_OFFSET);
    same("offsetof.grant_entry_v1_t.frame", GrantEntryV1.FRAME_OFFSET);
    same("const.GTF_permit_access", GrantEntryV1.GTF_PERMIT_ACCESS);
    same("const.GTF_readonly", GrantEntryV1.GTF_READONLY);
    same("const.GTF_reading", GrantEntryV1.GTF_READING);
    same("const.GTF_writing", GrantEntryV1.GTF_WRITING);
    same("const.GNTTAB_NR_RESERVED_ENTRIES", GrantEntryV1.NR_RESERVED_ENTRIES);
    same("const.GNTTAB_RESERVED_CONSOLE", GrantEntryV1.RESERVED_CONSOLE);
    same("const.GNTTAB_RESERVED_XENSTORE", GrantEntryV1.RESERVED_XENSTORE);
    same("const.GTF_invalid", GrantEntryV1.GTF_INVALID);
    same("const.GTF_accept_transfer", GrantEntryV1.GTF_ACCEPT_TRANSFER);
    same("const.GTF_transitive", GrantEntryV1.GTF_TRANSITIVE);
    same("const.GTF_type_mask", GrantEntryV1.GTF_TYPE_MASK);
    same("const.DOMID_SELF", GrantEntryV1.DOMID_SELF);
    same("const.DOMID_INVALID", GrantEntryV1.DOMID_INVALID);
  }

  @Test
  void grantTableH_statusCodes() {
    same("const.GNTST_okay", GrantEntryV1.GNTST_OKAY);
    same("const.GNTST_general_error", GrantEntryV1.GNTST_GENERAL_ERROR);
    same("const.GNTST_bad_domain", GrantEntryV1.GNTST_BAD_DOMAIN);
    same("const.GNTST_bad_gntref", GrantEntryV1.GNTST_BAD_GNTREF);
    same("const.GNTST_bad_handle", GrantEntryV1.GNTST_BAD_HANDLE);
    same("const.GNTST_permission_denied", GrantEntryV1.GNTST_PERMISSION_DENIED);
    same("const.GNTST_bad_page", GrantEntryV1.GNTST_BAD_PAGE);
    same("const.GNTST_bad_copy_arg", GrantEntryV1.GNTST_BAD_COPY_ARG);
    same("const.GNTST_eagain", GrantEntryV1.GNTST_EAGAIN);
    same("const.GNTST_no_space", GrantEntryV1.GNTST_NO_SPACE);
  }

  @Test
  void xenbusH_stateNumbers() {
    String[] names = {
      "Unknown", "Initialising", "InitWait", "Initialised", "Connected", "Closing", "Closed",
      "Reconfiguring", "Reconfigured"
    };
    XenbusState[] states = XenbusState.values();
    assertEquals(names.length, states.length, "one Java state per enum xenbus_state member");
    for (int i = 0; i < names.length; i++) {
      same("const.XenbusState" + names[i], states[i].code());
    }
  }

  @Test
  void consoleH_xenconsInterface() {
    same("sizeof.struct xencons_interface", ByteRing.CONS_INTERFACE_SIZE);
    same("offsetof.struct xencons_interface.in", ByteRing.CONS_IN_OFFSET);
    same("offsetof.struct xencons_interface.out", ByteRing.CONS_OUT_OFFSET);
    same("offsetof.struct xencons_interface.in_cons", ByteRing.CONS_IN_CONS_OFFSET);
    same("offsetof.struct xencons_interface.in_prod", ByteRing.CONS_IN_PROD_OFFSET);
    same("offsetof.struct xencons_interface.out_cons", ByteRing.CONS_OUT_CONS_OFFSET);
    same("offsetof.struct xencons_interface.out_prod", ByteRing.CONS_OUT_PROD_OFFSET);
    same("offsetof.struct xencons_interface.out", ByteRing.CONS_IN_OFFSET + ByteRing.CONS_IN_SIZE);
    same("offsetof.struct xencons_interface.in_cons", ByteRing.CONS_OUT_OFFSET + ByteRing.CONS_OUT_SIZE);
  }

  @Test
  void ringH_sringHeader() {
    same("offsetof.struct blkif_sring.req_prod", SharedRingLayout.REQ_PROD_OFFSET);
    same("offsetof.struct blkif_sring.req_event", SharedRingLayout.REQ_EVENT_OFFSET);
    same("offsetof.struct blkif_sring.rsp_prod", SharedRingLayout.RSP_PROD_OFFSET);
    same("offsetof.struct blkif_sring.rsp_event", SharedRingLayout.RSP_EVENT_OFFSET);
    same("offsetof.struct blkif_sring.pvt", SharedRingLayout.PVT_OFFSET);
    same("offsetof.struct blkif_sring.__pad", SharedRingLayout.PAD_OFFSET);
    same("offsetof.struct blkif_sring.ring", SharedRingLayout.RING_OFFSET);
    same("offsetof.struct netif_tx_sring.ring", SharedRingLayout.RING_OFFSET);
    same("offsetof.struct netif_rx_sring.ring", SharedRingLayout.RING_OFFSET);
  }

  @Test
  void ringH_strides() {
    same("sizeof.union blkif_sring_entry", SharedRingLayout.BLKIF_STRIDE);
    same("sizeof.union netif_tx_sring_entry", SharedRingLayout.NETIF_TX_STRIDE);
    same("sizeof.union netif_rx_sring_entry", SharedRingLayout.NETIF_RX_STRIDE);
    same("sizeof.union xen_netif_ctrl_sring_entry", SharedRingLayout.NETIF_CTRL_STRIDE);
  }

  @Test
  void ringH_constRingSizeForOneToSixteenPages() {
    for (int order = 0; order <= 4; order++) {
      long bytes = SharedRingLayout.ringBytes(order);
      same("ringsize.blkif." + order, SharedRingLayout.ringSize(bytes, SharedRingLayout.BLKIF_STRIDE));
      same("ringsize.netif_tx." + order, SharedRingLayout.ringSize(bytes, SharedRingLayout.NETIF_TX_STRIDE));
      same("ringsize.netif_rx." + order, SharedRingLayout.ringSize(bytes, SharedRingLayout.NETIF_RX_STRIDE));
      same("ringsize.xen_netif_ctrl." + order, SharedRingLayout.ringSize(bytes, SharedRingLayout.NETIF_CTRL_STRIDE));
    }
  }

  @Test
  void blkifH_netifH_messageLayoutsUsedByTheConformanceTests() {
    same("sizeof.struct blkif_request", BlkifLayout.REQUEST_SIZE);
    same("offsetof.struct blkif_request.operation", BlkifLayout.OPERATION);
    same("offsetof.struct blkif_request.nr_segments", BlkifLayout.NR_SEGMENTS);
    same("offsetof.struct blkif_request.handle", BlkifLayout.HANDLE);
    same("offsetof.struct blkif_request.id", BlkifLayout.ID);
    same("offsetof.struct blkif_request.sector_number", BlkifLayout.SECTOR_NUMBER);
    same("offsetof.struct blkif_request.seg", BlkifLayout.SEG);
    same("sizeof.struct blkif_request_segment", BlkifLayout.SEG_SIZE);
    same("offsetof.struct blkif_request_segment.gref", BlkifLayout.SEG_GREF);
    same("offsetof.struct blkif_request_segment.first_sect", BlkifLayout.SEG_FIRST_SECT);
    same("offsetof.struct blkif_request_segment.last_sect", BlkifLayout.SEG_LAST_SECT);
    same("sizeof.struct blkif_response", BlkifLayout.RESPONSE_SIZE);
    same("offsetof.struct blkif_response.id", BlkifLayout.RSP_ID);
    same("offsetof.struct blkif_response.operation", BlkifLayout.RSP_OPERATION);
    same("offsetof.struct blkif_response.status", BlkifLayout.RSP_STATUS);
    // netif, as xen-abi.md tabulates it (the netfront helper owns the codecs)
    same("sizeof.struct netif_tx_request", 12);
    same("offsetof.struct netif_tx_request.size", 10);
    same("sizeof.struct netif_rx_response", 8);
    same("offsetof.struct netif_rx_response.status", 6);
  }
}
