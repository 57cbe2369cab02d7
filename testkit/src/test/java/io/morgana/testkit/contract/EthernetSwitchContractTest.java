package io.morgana.testkit.contract;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;

/** Switch ports pass {@link NetifContract} on a deterministic loop. */
class EthernetSwitchContractTest extends NetifContract {

  @Override
  protected Link connect() {
    DeterministicLoop loop = new DeterministicLoop(new FakeClock());
    EthernetSwitch sw = new EthernetSwitch(loop);
    return new Link(sw.newPort(), sw.newPort(), LoopDriver.deterministic(loop), sw);
  }
}
