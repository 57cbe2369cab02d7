package io.morgana.net.tcpip;

import dagger.BindsOptionalOf;
import dagger.Module;
import io.morgana.net.tcpip.ipv4.ReassemblyLimits;
import dagger.Provides;
import io.morgana.api.Arp;
import io.morgana.api.Ethernet;
import io.morgana.api.Icmp;
import io.morgana.api.Ip;
import io.morgana.api.Udp;

/**
 * Binds {@link Ethernet}, {@link Arp}, {@link Ip}, {@link Icmp} and {@link Udp} to one
 * {@link TcpipStack} (a {@code @Singleton}) over the component's {@link io.morgana.api.Netif} and
 * {@link io.morgana.runtime.EventLoop}. The component must also bind an {@link Ipv4Config}: add
 * {@link StaticIpv4Module} for {@code --ipv4}/{@code --ipv4-gateway}, or a DHCP client module.
 *
 * <pre>{@code
 * @Singleton
 * @Component(modules = {TapNetifModule.class, TcpipStackModule.class, StaticIpv4Module.class})
 * interface TapKernel {
 *   EchoServer echo();
 *
 *   @Component.Factory
 *   interface Factory {
 *     TapKernel create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
 *                      @BindsInstance Lifecycle lifecycle);
 *   }
 * }
 * }</pre>
 *
 * <p>A component may bind {@link ReassemblyLimits} to change IPv4 reassembly's memory budget
 * and timeout; without one the stack uses Linux's defaults ({@link
 * ReassemblyLimits#LINUX_DEFAULTS}).
 *
 * <p><b>Where TCP joins.</b> {@link io.morgana.api.Tcp} is deliberately not bound here. The TCP
 * issue adds a {@code TcpModule} in this artifact that binds {@code Tcp} to a TCP layer built
 * from this same {@link TcpipStack}: a {@link io.morgana.net.tcpip.ip.Transport} registered with
 * the stack's {@link io.morgana.net.tcpip.ip.IpLayer} (receiving its datagrams and the ICMP
 * errors about them through that one path), its timers reported through the stack's {@link
 * io.morgana.runtime.Pollable}. Components that want TCP then list {@code TcpModule} next to
 * this one.
 */
@Module
public abstract class TcpipStackModule {

  private TcpipStackModule() {}

  @BindsOptionalOf
  abstract ReassemblyLimits reassemblyLimits();

  /** A DHCP client module binds one; {@link TcpipStack} attaches it after construction. */
  @BindsOptionalOf
  abstract DynamicIpv4 dynamicIpv4();

  @Provides
  static Ethernet ethernet(TcpipStack stack) {
    return stack.ethernet();
  }

  @Provides
  static Arp arp(TcpipStack stack) {
    return stack.arp();
  }

  @Provides
  static Ip ip(TcpipStack stack) {
    return stack.ip();
  }

  @Provides
  static Icmp icmp(TcpipStack stack) {
    return stack.icmp();
  }

  @Provides
  static Udp udp(TcpipStack stack) {
    return stack.udp();
  }
}
