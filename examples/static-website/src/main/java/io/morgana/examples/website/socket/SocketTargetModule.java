package io.morgana.examples.website.socket;

import dagger.Module;
import dagger.Provides;
import io.morgana.examples.website.WebsiteHost;
import io.morgana.examples.website.WebsitePortModule;
import io.morgana.net.socket.SocketStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import jakarta.inject.Named;

/** The socket target's {@code --port} (default 8080: no root needed) and the host of its URL ({@code --listen}). */
@Module(includes = WebsitePortModule.class)
public final class SocketTargetModule {

  /** {@code --port=N}. */
  public static final BootKey<Integer> PORT = WebsitePortModule.portKey(8080);

  private SocketTargetModule() {}

  @Provides
  @Named(WebsitePortModule.KEY)
  static BootKey<Integer> portKey() {
    return PORT;
  }

  @Provides
  static WebsiteHost host(BootArguments args) {
    return WebsiteHost.of(args.get(SocketStackModule.LISTEN).toString());
  }
}
