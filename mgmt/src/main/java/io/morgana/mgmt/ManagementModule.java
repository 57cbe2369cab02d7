package io.morgana.mgmt;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.IntoMap;
import dagger.multibindings.Multibinds;
import dagger.multibindings.StringKey;
import io.morgana.api.Console;
import io.morgana.api.Tcp;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.runtime.LoopBridge;
import io.prometheus.metrics.model.registry.MultiCollector;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Management for any kernel: {@link Management} with its {@link KernelMetrics}, {@link
 * CommandRegistry} (built-ins {@code help}, {@code stats}, {@code mem}, {@code gc}, {@code uptime},
 * {@code log-level}) and {@link ManagementRequests}, and the {@code --mgmt-*} boot keys ({@link
 * ManagementSettings#KEYS}). Add {@link io.morgana.mgmt.tcpip.TcpipManagementModule} for the
 * pure-Java stack's metrics and commands.
 *
 * <p>An application adds commands and metrics through Dagger multibindings:
 *
 * <pre>{@code
 * @Provides @IntoMap @StringKey("flush-cache")
 * static Command flushCache(PageCache cache) { ... }         // a command
 *
 * @Provides @IntoSet
 * static MetricsSource cacheMetrics(PageCache cache) { ... } // counters read on the loop
 *
 * @Provides @IntoSet
 * static MultiCollector diskMetrics(FatFileSystem fs) { ... } // figures read on the scraping thread
 * }</pre>
 *
 * <p>{@code --mgmt-port} needs a {@link Tcp} in the component, {@code --mgmt-console} a {@link
 * Console}.
 */
@Module(includes = BootKeysModule.class)
public abstract class ManagementModule {

  private ManagementModule() {}

  /** Commands by name: the built-ins below and the application's. */
  @Multibinds
  abstract Map<String, Command> commands();

  /** Counters read on the loop. */
  @Multibinds
  abstract Set<MetricsSource> loopSources();

  /** Figures read on the scraping thread. */
  @Multibinds
  abstract Set<MultiCollector> collectors();

  @BindsOptionalOf
  abstract Console console();

  @BindsOptionalOf
  abstract Tcp tcp();

  @BindsOptionalOf
  abstract Lifecycle lifecycle();

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(ManagementSettings.KEYS);
  }

  @Provides
  @Singleton
  static ManagementSettings settings(BootArguments arguments) {
    return ManagementSettings.from(arguments);
  }

  @Provides
  @Singleton
  static KernelMetrics metrics(EventLoop loop, Set<MetricsSource> loopSources, Set<MultiCollector> collectors) {
    return new KernelMetrics(new LoopBridge(loop), loopSources, collectors);
  }

  @Provides
  @Singleton
  static CommandRegistry registry(Map<String, Command> commands) {
    return new CommandRegistry(commands);
  }

  @Provides
  @Singleton
  static ManagementRequests requests(KernelMetrics metrics, CommandRegistry commands, ManagementSettings settings) {
    return new ManagementRequests(metrics, commands, settings);
  }

  @Provides
  @Singleton
  static Management management(EventLoop loop, ManagementSettings settings, KernelMetrics metrics,
      CommandRegistry commands, ManagementRequests requests, Optional<Console> console, Optional<Tcp> tcp,
      Optional<Lifecycle> lifecycle) {
    return new Management(loop, settings, metrics, commands, requests, console, tcp, lifecycle);
  }

  @Provides
  @IntoMap
  @StringKey("stats")
  static Command stats(KernelMetrics metrics) {
    return BuiltinCommands.stats(metrics);
  }

  @Provides
  @IntoMap
  @StringKey("mem")
  static Command mem() {
    return BuiltinCommands.mem();
  }

  @Provides
  @IntoMap
  @StringKey("gc")
  static Command gc() {
    return BuiltinCommands.gc();
  }

  @Provides
  @IntoMap
  @StringKey("uptime")
  static Command uptime() {
    return BuiltinCommands.uptime();
  }

  @Provides
  @IntoMap
  @StringKey("log-level")
  static Command logLevel() {
    return BuiltinCommands.logLevel();
  }
}
