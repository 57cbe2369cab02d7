package io.morgana.examples.website.xen;

import dagger.Module;
import dagger.Provides;
import io.morgana.api.Ipv4Cidr;
import io.morgana.examples.website.WebsiteHost;
import io.morgana.examples.website.WebsitePortModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import jakarta.inject.Named;

/** The Xen target's {@code --port} (default 80) and the host of its URL (the address of {@code --ipv4}). */
@Module(includes = WebsitePortModule.class)
public final class XenTargetModule {

  /** {@code --port=N}. */
  public static final BootKey<Integer> PORT = WebsitePortModule.portKey(80);

  private XenTargetModule() {}

  @Provides
  @Named(WebsitePortModule.KEY)
  static BootKey<Integer> portKey() {
    return PORT;
  }

  @Provides
  static WebsiteHost host(BootArguments args) {
    return WebsiteHost.of(args.get(StaticIpv4Module.IPV4).map(Ipv4Cidr::address).map(Object::toString).orElse("0.0.0.0"));
  }
}
