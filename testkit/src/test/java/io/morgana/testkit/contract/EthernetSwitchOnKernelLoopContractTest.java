package io.morgana.testkit.contract;

import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.EthernetSwitch;

/**
 * Switch ports pass {@link NetifContract} on a real {@link KernelLoop} thread too: delivery is
 * woken by {@code wakeup()}, and the threaded {@link LoopDriver} waits on conditions.
 */
class EthernetSwitchOnKernelLoopContractTest extends NetifContract {

  @Override
  protected Link connect() {
    KernelLoop loop = new KernelLoop("switch-contract");
    loop.start();
    EthernetSwitch sw = new EthernetSwitch(loop);
    return new Link(sw.newPort(), sw.newPort(), LoopDriver.threaded(loop), () -> {
      sw.close();
      loop.close();
    });
  }
}
