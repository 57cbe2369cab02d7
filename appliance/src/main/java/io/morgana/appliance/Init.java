package io.morgana.appliance;

import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelFactory;
import java.io.PrintStream;
import java.util.function.ToIntFunction;

/**
 * The appliance's {@code /init}: Morgana as PID 1 of a Linux VM with no shell. An application's
 * appliance main is one line, {@code Init.boot("static-website", DaggerPacketKernel.factory()::create)}.
 *
 * <ol>
 *   <li>mounts {@code /proc}, {@code /sys} and {@code /dev} ({@link InitPlan#MOUNTS});
 *   <li>reads the kernel command line and makes the {@link InitPlan};
 *   <li>loads the kernel modules ({@code finit_module(2)}), in order;
 *   <li>brings the interfaces up;
 *   <li>runs the application kernel ({@link Kernel#run}) with the {@code morgana.*} arguments;
 *   <li>whatever happened, prints one line with the status on the console; a non-zero status is
 *       written to QEMU's {@code isa-debug-exit} device when {@code morgana.exit} names it
 *       ({@link ExitDevice}: QEMU ends with it); otherwise, or if that did not end the VM, powers
 *       the VM off ({@code reboot(2)}: PID 1 exiting would panic the kernel).
 * </ol>
 *
 * <p>A step that fails prints one message ({@code morgana init: …}) and the VM powers off with
 * status 1 without starting the application.
 */
public final class Init {

  private Init() {}

  /** Runs {@code /init} on this machine and powers it off. Does not return. */
  public static void boot(String name, KernelFactory<?> factory) {
    LinuxInitSystem system = new LinuxInitSystem();
    run(name, system, args -> Kernel.run(name, args, factory), System.err);
    system.powerOff();
    throw new IllegalStateException("reboot(RB_POWER_OFF) returned");
  }

  /**
   * Prepares the machine through {@code system}, runs {@code kernel} with the application's boot
   * arguments, and powers off. Returns the status (for tests, whose {@code powerOff} returns).
   */
  static int run(String name, InitSystem system, ToIntFunction<String[]> kernel, PrintStream console) {
    int status;
    ExitDevice exit = null;
    try {
      for (InitPlan.Mount m : InitPlan.MOUNTS) {
        system.mount(m);
      }
      String text = system.commandLine();
      // before the whole command line is parsed: a malformed one is a failure to report too
      exit = ExitDevice.find(text).orElse(null);
      InitPlan plan = InitPlan.from(KernelCommandLine.parse(text));
      for (String module : plan.modules()) {
        system.loadModule(InitPlan.modulePath(module));
      }
      for (String iface : plan.interfaces()) {
        system.linkUp(iface);
      }
      console.println("morgana init: booting " + name + " " + String.join(" ", plan.bootArguments()));
      console.flush();
      status = kernel.applyAsInt(plan.bootArguments().toArray(String[]::new));
    } catch (Exception e) {
      console.println("morgana init: " + e.getMessage());
      status = 1;
    }
    if (status != 0 && exit != null) {
      int value = ExitDevice.value(status);
      console.println("morgana init: " + name + " ended with status " + status + "; reporting " + value + " through " + exit);
      console.flush();
      try {
        system.writePort(exit.port(), value);
      } catch (Exception e) {
        console.println("morgana init: " + e.getMessage());
      }
      // still here: nothing listens on that port
    }
    console.println("morgana init: " + name + " ended with status " + status + "; powering off");
    console.flush();
    system.powerOff();
    return status;
  }
}
