package io.morgana.testkit.contract;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.morgana.testkit.PcapNetif;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@link PcapNetif} is a correct {@link io.morgana.api.Netif} while it records. */
class PcapNetifContractTest extends NetifContract {

  @Override
  protected Link connect() throws Exception {
    FakeClock clock = new FakeClock();
    DeterministicLoop loop = new DeterministicLoop(clock);
    EthernetSwitch sw = new EthernetSwitch(loop);
    Path file = Files.createTempFile("morgana-contract", ".pcap");
    PcapNetif local = new PcapNetif(sw.newPort(), file, clock);
    return new Link(local, sw.newPort(), LoopDriver.deterministic(loop), () -> {
      sw.close();
      Files.deleteIfExists(file);
    });
  }
}
