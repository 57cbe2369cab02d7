package io.morgana.examples.website;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.examples.website.appliance.xen.XenApplianceKernel;
import io.morgana.examples.website.appliance.xen.XenApplianceModule;
import io.morgana.examples.website.xen.SimulatedDom0Module;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.KernelFactory;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.netfront.netback.SimulatedXenNetbackModule;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import jakarta.inject.Singleton;

/**
 * The interop suite against the Xen appliance's modules ({@link XenApplianceModule}: netfront,
 * blkfront, DHCP-or-static IPv4, management) with the simulated hypervisor in place of {@link
 * XenApplianceKernel}'s Linux devices: dom0's netback bridged to the TAP device of the test
 * namespace, its blkback serving the site image as the vbd the appliance drives by default
 * ({@code xvda}) — what the Xen PVH guest runs, every frame and sector through Xen rings.
 */
class XenApplianceWebsiteInteropTest extends TapWebsiteInteropTest {

  /** {@link XenApplianceKernel} with the simulated platform and dom0 instead of {@code LinuxXenPlatformModule}. */
  @Singleton
  @Component(modules = {
      XenApplianceModule.class, SimulatedXenPlatformModule.class, SimulatedXenNetbackModule.class, SimulatedDom0Module.class})
  interface SimulatedXenApplianceKernel extends KernelComponent {

    @Component.Factory
    interface Factory {
      SimulatedXenApplianceKernel create(
          @BindsInstance BootArguments arguments,
          @BindsInstance EventLoop loop,
          @BindsInstance Lifecycle lifecycle);
    }
  }

  @Override
  protected KernelFactory<?> factory() {
    return DaggerXenApplianceWebsiteInteropTest_SimulatedXenApplianceKernel.factory()::create;
  }
}
