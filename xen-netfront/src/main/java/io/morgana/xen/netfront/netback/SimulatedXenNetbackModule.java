package io.morgana.xen.netfront.netback;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.IntoSet;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.xen.netfront.XenNetfrontModule;
import io.morgana.xen.sim.SimBackend;
import io.morgana.xen.sim.SimDomain;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The vif of the simulated Xen platform ({@code SimulatedXenPlatformModule}): the toolstack's
 * {@code device/vif/N} for the guest (its {@code mac} and {@code mtu}) and a {@link XenNetback} in
 * dom0 bridging it to the {@link Netif} the component binds as {@code @Named(}{@link #BRIDGE}{@code
 * )} — a TAP device on a development machine, a switch port in a test. With {@link
 * XenNetfrontModule} on the guest side, every frame of the kernel crosses real netif rings,
 * grants and event channels before it reaches that device.
 */
@Module(includes = BootKeysModule.class)
public final class SimulatedXenNetbackModule {

  /** The name of the {@link Netif} the netback bridges to. */
  public static final String BRIDGE = "xen-netback-bridge";

  /** {@code --xen-vif-mac=00:16:3e:..}: the guest's MAC (the toolstack's {@code mac}); random in Xen's OUI by default. */
  public static final BootKey<Optional<MacAddress>> VIF_MAC =
      BootKey.optional("xen-vif-mac", "the simulated vif's MAC address; random in Xen's 00:16:3e OUI when absent", MacAddress::parse);

  /** {@code --xen-vif-mtu=1500}: the vif's MTU (the toolstack's {@code mtu}). */
  public static final BootKey<Integer> VIF_MTU = BootKey.integer("xen-vif-mtu", "the simulated vif's MTU", 1500, 68, 9000);

  /** The boot keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(VIF_MAC, VIF_MTU);

  private SimulatedXenNetbackModule() {}

  /** Contributes {@link #KEYS}. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  /** The netback, bridged to the component's {@code @Named(BRIDGE) Netif}. */
  @Provides
  @IntoSet
  static SimBackend netback(@Named(BRIDGE) Provider<Netif> bridge, BootArguments arguments) {
    MacAddress mac = arguments.get(VIF_MAC).orElseGet(() -> MacAddress.of(0x00163e000000L | (new SecureRandom().nextInt() & 0xffffff)));
    return netback(bridge::get, arguments.get(XenNetfrontModule.VIF), mac, arguments.get(VIF_MTU));
  }

  /**
   * Creates {@code device/vif/<devid>} of the guest with {@code mac} and {@code mtu}, and starts a
   * netback in dom0 bridged to {@code bridge}; registered with the lifecycle. Runs off the loop
   * (kernels build their components there), so it waits for XenStore.
   */
  public static SimBackend netback(java.util.function.Supplier<Netif> bridge, int devid, MacAddress mac, int mtu) {
    return (xen, lifecycle) -> {
      SimDomain dom0 = xen.dom0();
      int guest = xen.guest().domid();
      dom0.store().blocking().call("XenNetback.createVif",
          () -> XenNetback.createVif(dom0.store(), guest, dom0.domid(), devid, mac, mtu));
      XenNetback netback = new XenNetback(dom0, guest, devid, bridge.get(), XenNetback.Features.LINUX);
      lifecycle.onShutdown(netback);
      netback.start();
    };
  }
}
