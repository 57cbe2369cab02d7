package io.morgana.xen.netfront;

import io.morgana.testkit.contract.LoopDriver;
import io.morgana.testkit.contract.NetifContract;

/**
 * {@link XenNetfront} passes {@link NetifContract}: its peer is a switch port, reached through a
 * Java {@link io.morgana.xen.netfront.netback.XenNetback} (as strict as Linux's) bridged to the
 * switch, over the simulated hypervisor's grant tables, event channels and XenStore.
 */
class XenNetfrontContractTest extends NetifContract {

  @Override
  protected Link connect() {
    NetfrontFixture f = new NetfrontFixture();
    XenNetfront netfront = f.connect(XenNetfront.DEFAULT_GRANTS);
    return new Link(netfront, f.sw.newPort(), LoopDriver.deterministic(f.loop), f);
  }
}
