package io.morgana.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.FixtureRunner;
import io.morgana.testkit.FixtureRunner.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.opentest4j.AssertionFailedError;

/** Each contract fails the check a broken implementation breaks, and only that kind of check. */
class ContractsCatchBrokenImplementationsTest {

  private static void assertFails(List<Outcome> outcomes, String test) {
    Outcome o = FixtureRunner.find(outcomes, test);
    assertEquals(Status.FAILED, o.status(), test + " must fail: " + outcomes);
    assertTrue(o.throwable() instanceof AssertionFailedError || o.throwable() instanceof AssertionError,
        test + " fails with an assertion, not a crash: " + o.throwable());
  }

  private static void assertPasses(List<Outcome> outcomes, String test) {
    assertEquals(Status.SUCCESSFUL, FixtureRunner.find(outcomes, test).status(), test + ": " + outcomes);
  }

  @Test
  void netifContractCatchesReordering() {
    List<Outcome> o = FixtureRunner.run(BrokenImplementations.ReorderingNetifs.class);
    assertFails(o, "framesArriveIntactAndInOrderBothWays");
    assertPasses(o, "accessorsDescribeTheInterface");
  }

  @Test
  void netifContractCatchesIgnoredMtu() {
    List<Outcome> o = FixtureRunner.run(BrokenImplementations.MtuIgnoringNetifs.class);
    assertFails(o, "largestFrameArrivesAndLongerOrRuntFramesAreRefusedReleasedAndCounted");
    assertPasses(o, "listenReplacesTheHandler");
  }

  @Test
  void netifContractCatchesLeakedFrames() {
    List<Outcome> o = FixtureRunner.run(BrokenImplementations.LeakingNetifs.class);
    assertFails(o, "framesArriveIntactAndInOrderBothWays");
    assertFails(o, "statsCountFramesAndBytesBothWays");
  }

  @Test
  void blockContractCatchesReadsPastTheEnd() {
    List<Outcome> o = FixtureRunner.run(BrokenImplementations.LenientBlocks.class);
    assertFails(o, "outOfRangeRequestsThrowBeforeTouchingAnything");
    assertPasses(o, "readsBackWhatWasWrittenAtRandomOffsets");
  }

  @Test
  void blockContractCatchesPartialWritesOfRefusedRequests() {
    List<Outcome> o = FixtureRunner.run(BrokenImplementations.PartialWriteBlocks.class);
    assertFails(o, "misalignedRequestsThrowBeforeTouchingAnything");
    assertPasses(o, "flushKeepsWhatWasWritten");
  }

  @Test
  void consoleContractCatchesNonUtf8() {
    List<Outcome> o = FixtureRunner.run(BrokenImplementations.Latin1Consoles.class);
    assertFails(o, "logAndWriteCarryUtf8");
    assertPasses(o, "writeAndLogAppearInCallOrder");
  }
}
