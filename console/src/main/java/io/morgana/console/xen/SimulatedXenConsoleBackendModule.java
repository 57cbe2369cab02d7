package io.morgana.console.xen;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.morgana.xen.platform.PrimaryConsole;
import io.morgana.xen.sim.SimBackend;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;

/**
 * The console backend of the simulated Xen platform ({@link SimulatedXenPlatformModule}): a
 * {@link XenConsoleBackend} in dom0 — the part of {@code xenconsoled} — that prints whatever the
 * guest writes to its primary console to the process's standard output. With {@link
 * XenConsoleModule} on the guest side, a line written to the {@code Console} crosses a real
 * {@code xencons_interface} page, grant entry 0 and an event channel before it reaches the
 * terminal.
 */
@Module
public final class SimulatedXenConsoleBackendModule {

  private SimulatedXenConsoleBackendModule() {}

  /** Starts the console backend writing to standard output. */
  @Provides
  @IntoSet
  static SimBackend consoleBackend() {
    return consoleBackend(new FileOutputStream(FileDescriptor.out));
  }

  /**
   * A backend that connects to the guest's primary console and copies its output to {@code
   * output}; registered with the lifecycle, it takes what is left in the ring at shutdown. For
   * test modules that want the output elsewhere.
   */
  public static SimBackend consoleBackend(OutputStream output) {
    return (xen, lifecycle) -> {
      PrimaryConsole console = xen.guest().primaryConsole().orElseThrow();
      XenConsoleBackend backend = XenConsoleBackend.connect(xen.dom0(), xen.guest().domid(), console.port(), output);
      lifecycle.onShutdown(backend);
    };
  }
}
