package io.morgana.examples.website;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import jakarta.inject.Named;
import java.util.Set;

/**
 * A target's {@code --port}: registers the target's port key with the boot keys and binds the
 * port it parses as {@code @Named("website-port")} for {@link StaticWebsiteModule}. Each target
 * module names its key ({@link #portKey} with its default: 80, or 8080 where no root is needed)
 * and provides it under {@link #KEY}.
 */
@Module(includes = BootKeysModule.class)
public final class WebsitePortModule {

  /** The qualifier under which a target module provides its {@code --port} key. */
  public static final String KEY = "website-port-key";

  private WebsitePortModule() {}

  /** {@code --port=N}, 1 to 65,535, {@code defaultPort} when absent. */
  public static BootKey<Integer> portKey(int defaultPort) {
    return BootKey.integer("port", "TCP port to serve HTTP on", defaultPort, 1, 65_535);
  }

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys(@Named(KEY) BootKey<Integer> key) {
    return Set.of(key);
  }

  @Provides
  @Named("website-port")
  static int port(BootArguments args, @Named(KEY) BootKey<Integer> key) {
    return args.get(key);
  }
}
