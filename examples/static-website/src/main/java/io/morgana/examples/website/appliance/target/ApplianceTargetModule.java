package io.morgana.examples.website.appliance.target;

import dagger.Module;
import dagger.Provides;
import io.morgana.api.Ipv4Cidr;
import io.morgana.examples.website.WebsiteHost;
import io.morgana.examples.website.WebsitePortModule;
import io.morgana.net.dhcp.DhcpClientModule;
import io.morgana.net.dhcp.DhcpLeases;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.util.concurrent.CompletableFuture;

/**
 * An appliance's {@code --port} (default 80) and the host of its URL: the address of {@code
 * --ipv4}, or with {@code --dhcp} the address of the first lease bound (the URL is printed then).
 * Both appliance kernels use it: QEMU's {@code PacketKernel} and the Xen guest's {@code
 * XenApplianceKernel}.
 */
@Module(includes = WebsitePortModule.class)
public final class ApplianceTargetModule {

  /** {@code --port=N}. */
  public static final BootKey<Integer> PORT = WebsitePortModule.portKey(80);

  private ApplianceTargetModule() {}

  @Provides
  @Named(WebsitePortModule.KEY)
  static BootKey<Integer> portKey() {
    return PORT;
  }

  @Provides
  static WebsiteHost host(BootArguments args, Provider<DhcpLeases> leases) {
    if (args.get(DhcpClientModule.DHCP)) {
      return leased(leases.get());
    }
    return WebsiteHost.of(args.get(StaticIpv4Module.IPV4).map(Ipv4Cidr::address).map(Object::toString).orElse("0.0.0.0"));
  }

  /** The address of the lease held, or of the first one bound later. */
  static WebsiteHost leased(DhcpLeases leases) {
    return () -> {
      CompletableFuture<String> bound = new CompletableFuture<>();
      leases.addListener(lease -> lease.ifPresent(l -> bound.complete(l.address().address().toString())));
      // after adding the listener: a lease bound in between is seen here
      leases.lease().ifPresent(l -> bound.complete(l.address().address().toString()));
      return bound;
    };
  }
}
