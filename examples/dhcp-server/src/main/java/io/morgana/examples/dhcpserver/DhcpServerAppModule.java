package io.morgana.examples.dhcpserver;

import dagger.Binds;
import dagger.Module;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootKeysModule;

/** The application module of dhcp-server: binds the {@link Application}. */
@Module(includes = BootKeysModule.class)
public abstract class DhcpServerAppModule {
  private DhcpServerAppModule() {}

  @Binds
  abstract Application application(DhcpServerApp app);
}
