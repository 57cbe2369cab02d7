package io.morgana.xen.netfront;

import io.morgana.api.MacAddress;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.morgana.xen.netfront.netback.XenNetback;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.sim.SimXenStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A guest (domain 1) whose {@code device/vif/0} is served by a {@link XenNetback} in dom0
 * bridged to a port of an {@link EthernetSwitch}, all on one {@link DeterministicLoop}.
 */
final class NetfrontFixture implements AutoCloseable {

  static final MacAddress MAC = MacAddress.parse("00:16:3e:00:00:01");

  final DeterministicLoop loop = new DeterministicLoop(new FakeClock());
  final SimHypervisor hv = new SimHypervisor();
  final SimDomain dom0;
  final SimDomain guest;
  final EthernetSwitch sw = new EthernetSwitch(loop);
  final EthernetSwitch.Port bridgePort;
  final int mtu;
  final XenNetback netback;
  XenNetfront netfront;

  NetfrontFixture(XenNetback.Features features) {
    this(features, 1500);
  }

  NetfrontFixture(XenNetback.Features features, int mtu) {
    this.mtu = mtu;
    bridgePort = sw.newPort(MacAddress.parse("02:00:00:00:00:0b"), mtu);
    hv.plugStore(new SimXenStore().inJvmConnector(Duration.ofSeconds(30)));
    dom0 = hv.createDomain(0, loop);
    guest = hv.createDomain(1, loop);
    await(XenNetback.createVif(dom0.store(), 1, 0, 0, MAC, mtu));
    netback = new XenNetback(dom0, 1, 0, bridgePort, features);
  }

  NetfrontFixture() {
    this(XenNetback.Features.LINUX);
  }

  /** Starts the backend and a netfront with {@code grants}, and connects them. */
  XenNetfront connect(int grants) {
    netback.start();
    XenNetfront.DeviceKeys keys = await(XenNetfront.readDeviceKeys(guest.store(), 1, 0));
    netfront = new XenNetfront(guest, 0, keys.mac(), keys.mtu(), grants).start();
    loop.runUntilIdle();
    if (!netfront.isConnected()) {
      throw new AssertionError("netfront did not connect: front " + netfront.xenbus().state() + ", back "
          + netback.xenbus().state() + ", broken " + netfront.brokenReason());
    }
    return netfront;
  }

  <T> T await(CompletionStage<T> stage) {
    CompletableFuture<T> f = stage.toCompletableFuture();
    loop.runUntilIdle();
    return f.join();
  }

  @Override
  public void close() {
    if (netfront != null) {
      netfront.close();
    }
    loop.runUntilIdle();
    netback.close();
    loop.runUntilIdle();
    sw.close();
    guest.close();
    dom0.close();
  }
}
