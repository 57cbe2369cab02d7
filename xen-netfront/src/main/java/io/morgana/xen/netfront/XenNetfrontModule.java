package io.morgana.xen.netfront;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Netif;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.store.BlockingXenStore;
import java.util.List;
import java.util.Set;
import jakarta.inject.Singleton;

/**
 * Binds {@link Netif} to a {@link XenNetfront} for {@code device/vif/<N>} ({@link #VIF}) of the
 * component's {@link XenPlatform} (the simulated hypervisor's guest, or a Linux Xen guest's
 * {@code /dev/xen}), within {@link #GRANTS} grant references, closed by the {@link Lifecycle}.
 * The swap of {@code TapNetifModule}: the same application, another component.
 *
 * <p>Reads {@code mac} and {@code mtu} from the frontend directory through the blocking XenStore,
 * so the {@code Netif} must be built off the loop (kernels build their application off the loop).
 */
@Module(includes = BootKeysModule.class)
public abstract class XenNetfrontModule {

  /** {@code --xen-vif=0}: the vif device number ({@code device/vif/N}). */
  public static final BootKey<Integer> VIF =
      BootKey.integer("xen-vif", "the Xen vif device to drive: device/vif/N", 0, 0, 65535);

  /**
   * {@code --xen-netfront-grants=256}: grant references the netfront may use (rings plus its
   * transmit and receive page pool); Linux's gntalloc allows 1,024 per guest by default.
   */
  public static final BootKey<Integer> GRANTS =
      BootKey.integer("xen-netfront-grants", "grant references for the netfront's rings and page pool (42..1024)",
          XenNetfront.DEFAULT_GRANTS, 42, 1024);

  /** The boot keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(VIF, GRANTS);

  private XenNetfrontModule() {}

  /** Contributes {@link #KEYS} to the component's boot keys. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  @Binds
  abstract Netif netif(XenNetfront netfront);

  @Provides
  @Singleton
  static XenNetfront netfront(XenPlatform platform, BootArguments arguments, Lifecycle lifecycle) {
    int vif = arguments.get(VIF);
    BlockingXenStore store = platform.store().blocking();
    XenNetfront.DeviceKeys keys = store.call("XenNetfront.readDeviceKeys",
        () -> XenNetfront.readDeviceKeys(platform.store(), platform.domid(), vif));
    XenNetfront netfront = new XenNetfront(platform, vif, keys.mac(), keys.mtu(), arguments.get(GRANTS));
    lifecycle.onShutdown(netfront);
    return netfront.start();
  }
}
