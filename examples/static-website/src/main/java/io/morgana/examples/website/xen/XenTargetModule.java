package io.morgana.examples.website.xen;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Ipv4Cidr;
import io.morgana.examples.website.WebsiteHost;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import jakarta.inject.Named;
import java.util.Set;

/** The Xen target's {@code --port} (default 80) and the host of its URL (the address of {@code --ipv4}). */
@Module(includes = BootKeysModule.class)
public final class XenTargetModule {

  /** {@code --port=N}. */
  public static final BootKey<Integer> PORT = BootKey.integer("port", "TCP port to serve HTTP on", 80, 1, 65_535);

  private XenTargetModule() {}

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.of(PORT);
  }

  @Provides
  @Named("website-port")
  static int port(BootArguments args) {
    return args.get(PORT);
  }

  @Provides
  static WebsiteHost host(BootArguments args) {
    return WebsiteHost.of(args.get(StaticIpv4Module.IPV4).map(Ipv4Cidr::address).map(Object::toString).orElse("0.0.0.0"));
  }
}
