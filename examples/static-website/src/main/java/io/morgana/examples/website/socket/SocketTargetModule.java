package io.morgana.examples.website.socket;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.examples.website.WebsiteHost;
import io.morgana.net.socket.SocketStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import jakarta.inject.Named;
import java.util.Set;

/** The socket target's {@code --port} (default 8080: no root needed) and the host of its URL ({@code --listen}). */
@Module(includes = BootKeysModule.class)
public final class SocketTargetModule {

  /** {@code --port=N}. */
  public static final BootKey<Integer> PORT = BootKey.integer("port", "TCP port to serve HTTP on", 8080, 1, 65_535);

  private SocketTargetModule() {}

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
    return WebsiteHost.of(args.get(SocketStackModule.LISTEN).toString());
  }
}
