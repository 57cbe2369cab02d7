package io.morgana.examples.echo;

import dagger.Binds;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Ip;
import io.morgana.mgmt.Management;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import jakarta.inject.Named;
import java.util.List;
import java.util.Set;

/**
 * The application module of echo, in every target's component: binds the {@link Application} to
 * the {@link EchoServer} and contributes the application's own boot keys, {@code --port},
 * {@code --discard-port} and {@code --chargen-port}, the same way the device and stack modules
 * contribute theirs. Ports above 1023 let {@code echo-socket.jar} run without privileges.
 */
@Module(includes = BootKeysModule.class)
public abstract class EchoModule {

  /** {@code --port=N}: the UDP and TCP port to echo on (RFC 862's is {@value EchoServer#PORT}). */
  public static final BootKey<Integer> PORT =
      BootKey.integer("port", "UDP and TCP port to echo on (RFC 862: 7)", EchoServer.PORT, 1, 65535);

  /** {@code --discard-port=N}: the TCP discard port (RFC 863's is 9). */
  public static final BootKey<Integer> DISCARD_PORT = BootKey.integer(
      "discard-port", "TCP port of the discard service (RFC 863: 9)", DiscardChargen.DISCARD_PORT, 1, 65535);

  /** {@code --chargen-port=N}: the TCP chargen port (RFC 864's is 19). */
  public static final BootKey<Integer> CHARGEN_PORT = BootKey.integer(
      "chargen-port", "TCP port of the chargen service (RFC 864: 19)", DiscardChargen.CHARGEN_PORT, 1, 65535);

  /** The keys this module contributes. */
  public static final List<BootKey<?>> KEYS = List.of(PORT, DISCARD_PORT, CHARGEN_PORT);

  private EchoModule() {}

  /** The IP layer, which only the targets with Morgana's own stack have (read to log the address). */
  @BindsOptionalOf
  abstract Ip ip();

  @Binds
  abstract Application application(EchoServer echo);

  /** The TAP and packet kernels list {@code ManagementModule}; the Xen kernel has none. */
  @BindsOptionalOf
  abstract Management management();

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  @Provides
  @Named("echo-port")
  static int port(BootArguments arguments) {
    return arguments.get(PORT);
  }

  @Provides
  @Named("discard-port")
  static int discardPort(BootArguments arguments) {
    return arguments.get(DISCARD_PORT);
  }

  @Provides
  @Named("chargen-port")
  static int chargenPort(BootArguments arguments) {
    return arguments.get(CHARGEN_PORT);
  }
}
