package io.morgana.xen.blkfront;

import io.morgana.api.Block;
import io.morgana.runtime.KernelLoop;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.sim.SimXenStore;
import io.morgana.xen.xenbus.XenbusToolstack;
import java.io.IOException;
import java.time.Duration;

/**
 * A guest (domain 1) whose {@code device/vbd/<devid>} is served by a {@link XenBlkback} in dom0
 * over {@code disk}, on one real {@link KernelLoop} (Block calls block: they come from test
 * threads).
 */
final class BlkfrontFixture implements AutoCloseable {

  static final int DEVID = 51712;
  final KernelLoop loop = new KernelLoop("xen-blkfront-test");
  final SimHypervisor hv = new SimHypervisor();
  final SimDomain dom0;
  final SimDomain guest;
  final XenBlkback blkback;
  final Block disk;
  XenBlkfront blkfront;

  BlkfrontFixture(Block disk, XenBlkback.Features features) {
    this(disk, features, b -> b);
  }

  BlkfrontFixture(Block disk, XenBlkback.Features features, java.util.function.UnaryOperator<XenBlkback> setup) {
    this.disk = disk;
    loop.start();
    hv.plugStore(new SimXenStore().inJvmConnector(Duration.ofSeconds(30)));
    dom0 = hv.createDomain(0, loop);
    guest = hv.createDomain(1, loop);
    dom0.store().blocking().call("createVbd",
        () -> XenBlkback.createVbd(dom0.store(), 1, 0, DEVID, !disk.info().readWrite()));
    blkback = setup.apply(new XenBlkback(dom0, 1, DEVID, disk, features)).start();
  }

  XenBlkfront connect(int ringOrder, int poolPages) throws IOException {
    blkfront = new XenBlkfront(guest, DEVID, ringOrder, poolPages).start().awaitConnected(Duration.ofSeconds(30));
    return blkfront;
  }

  String frontendPath() {
    return XenbusToolstack.frontendPath(1, "vbd", DEVID);
  }

  @Override
  public void close() throws IOException {
    if (blkfront != null) {
      blkfront.close();
    }
    blkback.close();
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop.close();
    disk.close();
  }
}
