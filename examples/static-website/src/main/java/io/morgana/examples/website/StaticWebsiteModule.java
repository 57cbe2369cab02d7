package io.morgana.examples.website;

import dagger.Binds;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.http.HttpSettings;
import io.morgana.mgmt.Management;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.Set;

/**
 * The application module, in every target's component: binds the {@link Application} to {@link
 * StaticWebsite} and builds its {@link HttpSettings} from the application's boot keys. The
 * port ({@code @Named("website-port")}) and the host in the printed URL ({@link WebsiteHost})
 * come from the target's module: their defaults differ per target.
 */
@Module(includes = BootKeysModule.class)
public abstract class StaticWebsiteModule {

  /** {@code --max-connections=N}. */
  public static final BootKey<Integer> MAX_CONNECTIONS = BootKey.integer(
      "max-connections", "connections served at once; more wait in the backlog", 1024, 1, 1_000_000);

  /** {@code --idle-timeout=SECONDS}. */
  public static final BootKey<Integer> IDLE_TIMEOUT = BootKey.integer(
      "idle-timeout", "seconds a connection may wait for a request or make no progress", 60, 1, 86_400);

  /** {@code --header-timeout=SECONDS}. */
  public static final BootKey<Integer> HEADER_TIMEOUT = BootKey.integer(
      "header-timeout", "seconds a client may take to send a whole request head", 10, 1, 3_600);

  /** {@code --no-access-log}. */
  public static final BootKey<Boolean> NO_ACCESS_LOG = BootKey.flag(
      "no-access-log", "do not log each request (logger io.morgana.http.access, INFO)");

  private StaticWebsiteModule() {}

  @Binds
  abstract Application application(StaticWebsite website);

  /** Management ({@code --mgmt-port}, …) when the target's component lists {@code ManagementModule}. */
  @BindsOptionalOf
  abstract Management management();

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.of(MAX_CONNECTIONS, IDLE_TIMEOUT, HEADER_TIMEOUT, NO_ACCESS_LOG);
  }

  @Provides
  static HttpSettings settings(BootArguments args, @Named("website-port") int port) {
    return HttpSettings.defaults(port)
        .withTimeouts(Duration.ofSeconds(args.get(IDLE_TIMEOUT)), Duration.ofSeconds(args.get(HEADER_TIMEOUT)))
        .withMaxConnections(args.get(MAX_CONNECTIONS))
        .withAccessLog(!args.get(NO_ACCESS_LOG));
  }
}
