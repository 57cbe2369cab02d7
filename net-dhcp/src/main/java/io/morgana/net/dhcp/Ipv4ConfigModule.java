package io.morgana.net.dhcp;

import dagger.Module;
import io.morgana.net.tcpip.StaticIpv4Module;

/**
 * IPv4 configuration chosen at boot: {@code --ipv4=ADDRESS/PREFIX} (and {@code --ipv4-gateway})
 * for a static address ({@link StaticIpv4Module}), or {@code --dhcp} for a lease ({@link
 * DhcpClientModule}); neither leaves the stack unconfigured, both are refused when the stack is
 * built. A kernel lists this module in place of {@link StaticIpv4Module} to offer both.
 */
@Module(includes = {StaticIpv4Module.class, DhcpClientModule.class})
public final class Ipv4ConfigModule {
  private Ipv4ConfigModule() {}
}
