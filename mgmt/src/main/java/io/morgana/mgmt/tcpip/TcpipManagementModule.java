package io.morgana.mgmt.tcpip;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.IntoSet;
import dagger.multibindings.StringKey;
import io.morgana.mgmt.Command;
import io.morgana.mgmt.MetricsSource;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import jakarta.inject.Named;

/**
 * The pure-Java stack's metrics ({@link TcpipMetrics}) and commands ({@code conns}, {@code arp},
 * {@code routes}: {@link TcpipCommands}) for {@link io.morgana.mgmt.ManagementModule}. List it
 * next to {@code TcpipStackModule} and {@code ManagementModule}.
 *
 * <p>The interface's {@code netif} label is the value of the component's {@code --net} boot
 * argument when it has one ({@code TapNetifModule}'s {@code --net=tap:NAME} gives {@code NAME}),
 * {@code net0} otherwise.
 */
@Module
public abstract class TcpipManagementModule {

  /** The label of an interface whose name the boot arguments do not give. */
  public static final String DEFAULT_NETIF_LABEL = "net0";

  private TcpipManagementModule() {}

  @Provides
  @Named("mgmt-netif-label")
  static String netifLabel(BootArguments arguments) {
    for (BootKey<?> key : arguments.keys()) {
      if (key.name().equals("net") && arguments.get(key) instanceof String name && !name.isEmpty()) {
        return name;
      }
    }
    return DEFAULT_NETIF_LABEL;
  }

  @Provides
  @IntoSet
  static MetricsSource metrics(TcpipStack stack, @Named("mgmt-netif-label") String label) {
    return new TcpipMetrics(stack, label);
  }

  @Provides
  @IntoMap
  @StringKey("conns")
  static Command conns(EventLoop loop, TcpipStack stack) {
    return TcpipCommands.conns(new LoopBridge(loop), stack);
  }

  @Provides
  @IntoMap
  @StringKey("arp")
  static Command arp(EventLoop loop, TcpipStack stack) {
    return TcpipCommands.arp(new LoopBridge(loop), stack);
  }

  @Provides
  @IntoMap
  @StringKey("routes")
  static Command routes(EventLoop loop, TcpipStack stack, @Named("mgmt-netif-label") String label) {
    return TcpipCommands.routes(new LoopBridge(loop), stack, label);
  }
}
