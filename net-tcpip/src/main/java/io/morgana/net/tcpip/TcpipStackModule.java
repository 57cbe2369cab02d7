package io.morgana.net.tcpip;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.morgana.api.Arp;
import io.morgana.api.Ethernet;
import io.morgana.api.Icmp;
import io.morgana.api.Ip;
import io.morgana.api.Netif;
import io.morgana.api.Udp;
import io.morgana.net.tcpip.ipv4.ReassemblyLimits;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.util.Optional;

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

  @BindsOptionalOf
  abstract Lifecycle lifecycle();

  /**
   * The stack, closed with the kernel when the component has a {@link Lifecycle} (after the loop
   * has stopped, before the interface it runs over: queued packets and reassembly buffers go back
   * to the pool), and handed to the component's {@link DynamicIpv4} (a DHCP client) if it binds
   * one.
   */
  @Provides
  @Singleton
  static TcpipStack stack(
      Netif netif, EventLoop loop, Ipv4Config config, Optional<ReassemblyLimits> reassembly,
      Optional<Lifecycle> lifecycle, Optional<DynamicIpv4> dynamic) {
    TcpipStack stack = new TcpipStack(netif, loop, config, reassembly);
    lifecycle.ifPresent(l -> l.onShutdown(stack));
    dynamic.ifPresent(d -> d.attach(stack)); // a DHCP client configures the stack it is given
    return stack;
  }

  /** A DHCP client module binds one; {@link #stack} hands it the stack. */
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
