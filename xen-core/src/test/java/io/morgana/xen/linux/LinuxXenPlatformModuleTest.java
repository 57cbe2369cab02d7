package io.morgana.xen.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The two platform modules: the same component shape, one binding swapped. */
class LinuxXenPlatformModuleTest {

  @Singleton
  @Component(modules = LinuxXenPlatformModule.class)
  interface LinuxKernel {
    XenPlatform platform();

    @Component.Factory
    interface Factory {
      LinuxKernel create(@BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
    }
  }

  @Singleton
  @Component(modules = SimulatedXenPlatformModule.class)
  interface SimulatedKernel {
    XenPlatform platform();

    @Component.Factory
    interface Factory {
      SimulatedKernel create(@BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
    }
  }

  @Test
  void outsideAXenGuestTheLinuxPlatformIsOneClearMessage() {
    assumeFalse(Files.exists(Path.of("/dev/xen/xenbus")), "this machine is a Xen guest");
    try (Lifecycle lifecycle = new Lifecycle()) {
      LinuxKernel kernel = DaggerLinuxXenPlatformModuleTest_LinuxKernel.factory().create(new DeterministicLoop(), lifecycle);
      XenUnavailableException e = assertThrows(XenUnavailableException.class, kernel::platform);
      assertTrue(e.getMessage().startsWith("not a Xen guest: /dev/xen/xenbus does not exist"), e.getMessage());
      assertEquals(0, e.getStackTrace().length, "a configuration problem, not a bug: no stack trace");
    }
  }

  @Test
  void theSimulatedPlatformIsGuestOneOfAFreshHypervisorWithAPrimaryConsoleAndAStore() {
    DeterministicLoop loop = new DeterministicLoop();
    try (Lifecycle lifecycle = new Lifecycle()) {
      XenPlatform platform = DaggerLinuxXenPlatformModuleTest_SimulatedKernel.factory().create(loop, lifecycle).platform();
      assertEquals(SimulatedXenPlatformModule.GUEST_DOMID, platform.domid());
      assertTrue(platform instanceof SimDomain);
      assertTrue(platform.primaryConsole().isPresent());
      assertEquals("1", platform.store().blocking().read("domid"));
    }
  }
}
