package io.morgana.console.xen;

import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.contract.LoopDriver;
import io.morgana.xen.platform.PrimaryConsole;
import io.morgana.xen.ring.ByteRing;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.sim.SimMemory;
import java.io.ByteArrayOutputStream;
import java.time.Duration;

/**
 * A guest (domain 1) with a primary console and a dom0 running {@link XenConsoleBackend}, both on
 * one real {@link KernelLoop}, over the simulated hypervisor.
 */
final class SimConsoleFixture implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final KernelLoop loop = new KernelLoop("xen-console-test");
  final LoopDriver driver = LoopDriver.threaded(loop);
  final SimHypervisor hv = new SimHypervisor(SimMemory.allocate(64));
  final SimDomain dom0;
  final SimDomain guest;
  final PrimaryConsole primary;
  final ByteArrayOutputStream sink = new ByteArrayOutputStream();
  final XenConsoleBackend backend;
  final XenConsole console;

  SimConsoleFixture() {
    loop.start();
    dom0 = hv.createDomain(0, loop);
    guest = hv.createDomain(1, loop);
    primary = hv.createPrimaryConsole(guest, dom0);
    backend = XenConsoleBackend.connect(dom0, guest.domid(), primary.port(), sink);
    console = new XenConsole(loop, guest.events(), primary.page(), primary.port());
  }

  ByteRing outRing() {
    return ByteRing.consoleOut(primary.page());
  }

  ByteRing inRing() {
    return ByteRing.consoleIn(primary.page());
  }

  /** Waits until the backend took everything from the out ring; returns all it received. */
  byte[] drainedOutput() {
    if (!driver.runUntil(() -> outRing().available() == 0, TIMEOUT)) {
      throw new AssertionError("the backend did not drain the out ring");
    }
    synchronized (sink) {
      return sink.toByteArray();
    }
  }

  @Override
  public void close() throws java.io.IOException {
    console.close();
    driver.run(backend::close);
    loop.close();
  }
}
