package io.morgana.examples.echo;

import dagger.Binds;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.mgmt.Management;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import jakarta.inject.Named;
import java.util.Set;

/**
 * The application module of echo, in every target's component: binds the {@link Application} to
 * the {@link EchoServer} and contributes the application's own boot key, {@code --port}, the
 * same way the device and stack modules contribute theirs.
 */
@Module(includes = BootKeysModule.class)
public abstract class EchoModule {

  /** {@code --port=N}: the UDP and TCP port to echo on (RFC 862's is {@value EchoServer#PORT}). */
  public static final BootKey<Integer> PORT =
      BootKey.integer("port", "UDP and TCP port to echo on (RFC 862: 7)", EchoServer.PORT, 1, 65535);

  private EchoModule() {}

  @Binds
  abstract Application application(EchoServer echo);

  /** The TAP and packet kernels list {@code ManagementModule}; the Xen kernel has none. */
  @BindsOptionalOf
  abstract Management management();

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.of(PORT);
  }

  @Provides
  @Named("echo-port")
  static int port(BootArguments arguments) {
    return arguments.get(PORT);
  }
}
