package io.morgana.examples.guestbook;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Block;
import io.morgana.api.Kv;
import io.morgana.api.Udp;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.runtime.EventLoop;
import jakarta.inject.Singleton;

/**
 * The guestbook wired for a test: the FAT {@link Kv} over whatever {@link Block} the test gives
 * (a RAM disk), and the {@link Udp} of a stack on an in-memory switch — a different component, the
 * same application.
 */
@Singleton
@Component(modules = FatFsModule.class)
interface TestKernel {

  GuestBook guestBook();

  Kv kv();

  @Component.Factory
  interface Factory {
    TestKernel create(@BindsInstance Udp udp, @BindsInstance EventLoop loop, @BindsInstance Block disk);
  }
}
