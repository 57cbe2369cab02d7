package io.morgana.examples.hello;

import io.morgana.console.xen.XenConsoleBackend;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.platform.PrimaryConsole;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;

/**
 * {@code java -jar hello-xen.jar}: boots {@link Hello} as a Xen guest through {@link XenKernel},
 * whose console is the Xen PV console ring.
 *
 * <p>These machines have no Xen, so the guest runs on the simulated hypervisor: domain 1 is the
 * guest, domain 0 runs a Java console backend ({@link XenConsoleBackend}, the part of {@code
 * xenconsoled}) that prints whatever arrives in the console's {@code out} ring to standard
 * output. The eight lines thus cross a real {@code xencons_interface} page, grant entry 0 and an
 * event channel before they reach the terminal. (A JVM in a real Linux Xen guest cannot reach its
 * primary console from user space: the kernel owns it as {@code /dev/hvc0}.)
 */
public final class HelloXen {

  private HelloXen() {}

  /** Boots the kernel; exits 0 after the eighth line, 2 on bad arguments. */
  public static void main(String[] argv) {
    Kernel.boot(
        "hello-xen",
        argv,
        (arguments, loop, lifecycle) ->
            onSimulatedXen(arguments, loop, lifecycle, new FileOutputStream(FileDescriptor.out)));
  }

  /**
   * Builds Hello as domain 1 of a fresh simulated hypervisor, with its console backend in domain 0
   * writing to {@code backendOutput}; both domains run on {@code loop}.
   */
  static XenKernel onSimulatedXen(
      BootArguments arguments, EventLoop loop, Lifecycle lifecycle, OutputStream backendOutput) {
    SimHypervisor hypervisor = new SimHypervisor();
    SimDomain dom0 = hypervisor.createDomain(0, loop);
    SimDomain guest = hypervisor.createDomain(1, loop);
    PrimaryConsole console = hypervisor.createPrimaryConsole(guest, dom0);
    XenConsoleBackend backend = XenConsoleBackend.connect(dom0, guest.domid(), console.port(), backendOutput);
    lifecycle.onShutdown(backend); // takes what is left in the ring when the kernel stops
    return DaggerXenKernel.factory().create(arguments, loop, lifecycle, guest);
  }
}
