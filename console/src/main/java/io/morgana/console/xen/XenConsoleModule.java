package io.morgana.console.xen;

import dagger.Binds;
import dagger.Module;
import io.morgana.api.Console;

/**
 * Binds {@link Console} to the domain's primary Xen PV console ({@link XenConsole}). Needs a
 * {@link io.morgana.xen.platform.XenPlatform} (the simulated hypervisor's {@code SimDomain}, or
 * the Linux guest platform) and a {@link io.morgana.runtime.Lifecycle} in the component, each
 * bound with {@code @BindsInstance} or by a platform module. The console is a {@code @Singleton}:
 * the component must be {@code @Singleton} too.
 */
@Module
public interface XenConsoleModule {

  /** The primary Xen console. */
  @Binds
  Console console(XenConsole console);
}
