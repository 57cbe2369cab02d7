package io.morgana.sim.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.sim.Explorer;
import io.morgana.sim.FaultSchedule;
import io.morgana.sim.SimResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The explorer against a deliberately broken application: a DHCP server that forgets its leases
 * when it restarts, with clients that do not probe an address before using it (their ARP probe
 * would catch the server's mistake and DECLINE).
 */
class ExplorerTest {

  /** Small enough to explore quickly: 8 clients, 3 of them fetch a page. */
  static final DemoScenario.Options SMALL =
      DemoScenario.Options.DEMO.withClients(8, 3).withArpProbe(false);

  static final int MAX_SEEDS = 30;

  @Test
  void forgetfulServerIsCaughtWithinBoundedSeedsAndItsScheduleShrinks() {
    Explorer explorer = new Explorer(new DemoScenario(SMALL.withForgetLeases(true)));
    Explorer.Report report = explorer.explore(1, MAX_SEEDS, Duration.ofMinutes(10));

    assertTrue(report.failure().isPresent(), "no failure in " + report.seedsRun() + " seeds");
    SimResult failure = report.failure().get();
    SimResult shrunk = report.shrunk().orElseThrow();
    assertEquals("no two clients hold the same address", failure.violation().orElseThrow().invariant(),
        failure.summary());
    assertFalse(shrunk.passed());
    assertEquals(failure.seed(), shrunk.seed());
    assertTrue(shrunk.faults().faults().size() <= failure.faults().faults().size());
    // Forgetting matters only across a restart: the smallest schedule keeps exactly one crash.
    assertEquals(1, shrunk.faults().faults().size(), shrunk.faults().toString());
    assertTrue(shrunk.faults().faults().get(0) instanceof FaultSchedule.Crash, shrunk.faults().toString());

    // The failing seed and its shrunk schedule, read back from the command-line form sim-demo
    // prints, replay byte for byte.
    SimResult replay = explorer.run(shrunk.seed(), FaultSchedule.parse(shrunk.faults().toSpec()));
    assertEquals(shrunk.violation(), replay.violation());
    assertEquals(shrunk.logs(), replay.logs());
    for (String link : shrunk.pcaps().keySet()) {
      assertArrayEquals(shrunk.pcaps().get(link), replay.pcaps().get(link), link);
    }
  }

  @Test
  void theSameSeedsPassWithTheServerThatKeepsItsLeases() {
    Explorer explorer = new Explorer(new DemoScenario(SMALL));
    Explorer.Report report = explorer.explore(1, 10, Duration.ofMinutes(5));
    assertTrue(report.failure().isEmpty(), () -> report.failure().get().summary());
    assertEquals(10, report.seedsRun());
  }
}
