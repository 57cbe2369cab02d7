package io.morgana.xen.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrontBackRingTest {

  private MemorySegment page;
  private FrontRing front;
  private BackRing back;

  @BeforeEach
  void ring() {
    page = Arena.ofAuto().allocate(4096, 4096);
    front = FrontRing.init(page, SharedRingLayout.BLKIF_STRIDE);
    back = BackRing.attach(page, SharedRingLayout.BLKIF_STRIDE);
  }

  @Test
  void ringH_getRequestMasksTheIndex() {
    // xen-abi.md A.4: index 33 on a 32-entry blkif ring is slot 1, page offset 176
    assertEquals(176, front.slotOffset(33));
    assertEquals(64, back.slotOffset(32));
  }

  @Test
  void requestsAndResponsesRoundTrip() {
    for (int i = 0; i < 3; i++) {
      page.set(JAVA_INT, front.nextRequestSlot(), 100 + i);
    }
    assertTrue(front.pushRequestsAndCheckNotify(), "req_event 1 lies in (0, 3]");
    assertEquals(3, back.unconsumedRequests());
    for (int i = 0; i < 3; i++) {
      int value = page.get(JAVA_INT, back.nextRequestSlot());
      page.set(JAVA_INT, back.nextResponseSlot(), value * 2);
    }
    assertTrue(back.pushResponsesAndCheckNotify());
    assertFalse(back.finalCheckForRequests());
    assertEquals(4, page.get(JAVA_INT, SharedRingLayout.REQ_EVENT_OFFSET), "req_event = req_cons + 1");
    assertEquals(3, front.unconsumedResponses());
    for (int i = 0; i < 3; i++) {
      assertEquals((100 + i) * 2, page.get(JAVA_INT, front.nextResponseSlot()));
    }
    assertFalse(front.finalCheckForResponses());
    assertEquals(4, page.get(JAVA_INT, SharedRingLayout.RSP_EVENT_OFFSET));
  }

  @Test
  void ringH_noNotifyWhileTheBackendHasNotAskedAgain() {
    front.nextRequestSlot();
    assertTrue(front.pushRequestsAndCheckNotify());
    front.nextRequestSlot();
    assertFalse(front.pushRequestsAndCheckNotify(), "req_event still 1: the backend is awake");
  }

  @Test
  void ringH_finalCheckLeavesEventAloneWhenWorkIsWaiting() {
    // xen-abi.md A.4: rsp_prod == rsp_cons == 7 -> no work, rsp_event 8; rsp_prod 9 -> 2 waiting
    front = FrontRing.attach(page, SharedRingLayout.BLKIF_STRIDE, 7);
    back = BackRing.attach(page, SharedRingLayout.BLKIF_STRIDE, 7);
    page.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, 7);
    page.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, 7);
    assertFalse(front.finalCheckForResponses());
    assertEquals(8, page.get(JAVA_INT, SharedRingLayout.RSP_EVENT_OFFSET));
    front.nextRequestSlot();
    front.nextRequestSlot();
    front.pushRequests();
    back.unconsumedRequests();
    back.nextRequestSlot();
    back.nextRequestSlot();
    back.nextResponseSlot();
    back.nextResponseSlot();
    back.pushResponses();
    page.set(JAVA_INT, SharedRingLayout.RSP_EVENT_OFFSET, 8);
    assertTrue(front.finalCheckForResponses());
    assertEquals(2, front.unconsumedResponses());
    assertEquals(8, page.get(JAVA_INT, SharedRingLayout.RSP_EVENT_OFFSET), "unchanged");
  }

  @Test
  void fullRingRefusesAnotherRequest() {
    for (int i = 0; i < 32; i++) {
      front.nextRequestSlot();
    }
    assertTrue(front.full());
    assertThrows(IllegalStateException.class, front::nextRequestSlot);
  }

  @Test
  void ringH_responseProdOverflowIsARingException() {
    front.nextRequestSlot();
    front.pushRequests();
    page.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, 33);
    assertThrows(RingException.class, front::unconsumedResponses);
    page.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, 2);
    assertThrows(RingException.class, front::unconsumedResponses, "more responses than requests");
    page.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, -1);
    assertThrows(RingException.class, front::unconsumedResponses, "backwards");
  }

  @Test
  void ringH_requestProdOverflowIsARingException() {
    page.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, 33);
    assertThrows(RingException.class, back::unconsumedRequests);
    page.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, 32);
    assertEquals(32, back.unconsumedRequests(), "a full ring is allowed");
    back.nextRequestSlot();
    back.nextRequestSlot();
    page.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, 1);
    assertThrows(RingException.class, back::unconsumedRequests, "req_prod moved back behind req_cons");
  }

  @Test
  void backendNeverConsumesMoreThanItCanAnswer() {
    page.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, 32);
    assertEquals(32, back.unconsumedRequests());
    for (int i = 0; i < 32; i++) {
      back.nextRequestSlot();
    }
    assertThrows(IllegalStateException.class, back::nextRequestSlot);
    assertEquals(0, back.unconsumedRequests());
  }

  @Test
  void multiPageRing() {
    MemorySegment pages = Arena.ofAuto().allocate(4 * 4096, 4096);
    FrontRing f = FrontRing.init(pages, SharedRingLayout.BLKIF_STRIDE);
    assertEquals(128, f.size());
    assertEquals(64 + 127 * 112, f.slotOffset(127));
    assertTrue(f.slotOffset(127) + 112 <= pages.byteSize());
  }
}
