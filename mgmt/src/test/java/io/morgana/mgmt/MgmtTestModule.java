package io.morgana.mgmt;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import io.morgana.api.Tcp;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * The test kernel's application — starts management and listens on TCP port 7 — and two
 * application commands: {@code echo WORDS…} and {@code fail}, which throws.
 */
@Module
abstract class MgmtTestModule {

  private MgmtTestModule() {}

  @Provides
  static Application application(Management management, Tcp tcp, EventLoop loop) {
    return () -> {
      management.start();
      loop.offload(() -> tcp.listen(7));
      return new CompletableFuture<>(); // serves until the test ends
    };
  }

  @Provides
  @IntoMap
  @StringKey("echo")
  static Command echo() {
    return Command.of("echo WORDS...", "answers its arguments", args -> args.isEmpty()
        ? CommandResult.badArguments("usage: echo WORDS...")
        : CommandResult.ok(String.join(" ", args)));
  }

  @Provides
  @IntoMap
  @StringKey("fail")
  static Command fail() {
    return Command.of("fail", "always throws", args -> {
      throw new IllegalStateException("broken on purpose");
    });
  }
}
