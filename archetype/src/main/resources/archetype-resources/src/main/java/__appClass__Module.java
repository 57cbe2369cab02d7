package ${package};

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import jakarta.inject.Named;
import java.util.Set;

/** The application's own module, in every target: binds {@link ${appClass}} and its boot key {@code --port}. */
@Module(includes = BootKeysModule.class)
public abstract class ${appClass}Module {

  /** {@code --port=N}: the UDP port to listen on. */
  public static final BootKey<Integer> PORT = BootKey.integer("port", "UDP port to listen on", 5000, 1, 65535);

  private ${appClass}Module() {}

  @Binds
  abstract Application application(${appClass} app);

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.of(PORT);
  }

  @Provides
  @Named("port")
  static int port(BootArguments arguments) {
    return arguments.get(PORT);
  }
}
