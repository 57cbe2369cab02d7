package io.morgana.testkit.contract;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.morgana.testkit.FaultInjectingNetif;

/**
 * A {@link FaultInjectingNetif} with no probabilistic faults and an MTU limit below the port's is
 * still a correct {@link io.morgana.api.Netif}.
 */
class FaultInjectingNetifContractTest extends NetifContract {

  @Override
  protected Link connect() {
    DeterministicLoop loop = new DeterministicLoop(new FakeClock());
    EthernetSwitch sw = new EthernetSwitch(loop);
    FaultInjectingNetif local = FaultInjectingNetif.builder(sw.newPort(), loop).seed(1).mtu(1280).build();
    return new Link(local, sw.newPort(), LoopDriver.deterministic(loop), sw);
  }
}
