package io.morgana.examples.website.xen;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.IntoSet;
import io.morgana.api.Netif;
import io.morgana.block.FileBlock;
import io.morgana.block.FileBlockModule;
import io.morgana.net.tap.TapConfig;
import io.morgana.net.tap.TapNetif;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.blkfront.XenBlkfrontModule;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import io.morgana.xen.netfront.netback.SimulatedXenNetbackModule;
import io.morgana.xen.sim.SimBackend;
import io.morgana.xen.sim.SimDomain;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * What the simulated dom0 holds for the website guest: the TAP device of {@code --net=tap:NAME}
 * as the netback's bridge ({@link SimulatedXenNetbackModule#BRIDGE}), and a {@link XenBlkback}
 * serving the image of {@code --disk=IMAGE} (read-only with {@code --disk-readonly}) as the
 * guest's vbd ({@link XenBlkfrontModule#VBD}). In a real Xen guest both are dom0's, and the
 * component has neither this module nor the simulated platform.
 */
@Module(includes = BootKeysModule.class)
public final class SimulatedDom0Module {

  private SimulatedDom0Module() {}

  /** {@code --net}, {@code --disk}, {@code --disk-readonly}: read here, for dom0's devices. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.of(TapNetifModule.NET, FileBlockModule.DISK, FileBlockModule.DISK_READONLY);
  }

  @Provides
  @Named(SimulatedXenNetbackModule.BRIDGE)
  static Netif bridge(BootArguments arguments, EventLoop loop, Lifecycle lifecycle) {
    TapNetif tap = TapNetif.open(new TapConfig(arguments.get(TapNetifModule.NET), Optional.empty()), loop);
    lifecycle.onShutdown(tap);
    return tap;
  }

  /** The blkback: creates {@code device/vbd/N} of the guest and serves the image through it. */
  @Provides
  @IntoSet
  static SimBackend blkback(BootArguments arguments) {
    Path image = arguments.get(FileBlockModule.DISK);
    boolean readOnly = arguments.get(FileBlockModule.DISK_READONLY);
    int devid = arguments.get(XenBlkfrontModule.VBD);
    return (xen, lifecycle) -> {
      SimDomain dom0 = xen.dom0();
      int guest = xen.guest().domid();
      FileBlock disk = FileBlock.options().readOnly(readOnly).open(image);
      lifecycle.onShutdown(disk);
      dom0.store().blocking().call("XenBlkback.createVbd",
          () -> XenBlkback.createVbd(dom0.store(), guest, dom0.domid(), devid, readOnly));
      XenBlkback blkback = new XenBlkback(dom0, guest, devid, disk, XenBlkback.Features.LINUX);
      lifecycle.onShutdown(blkback);
      blkback.start();
    };
  }
}
