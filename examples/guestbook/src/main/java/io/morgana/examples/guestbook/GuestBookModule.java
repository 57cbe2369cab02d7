package io.morgana.examples.guestbook;

import dagger.Binds;
import dagger.Module;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootKeysModule;

/** The guestbook's application module: binds the {@link Application} to the {@link GuestBook}. */
@Module(includes = BootKeysModule.class)
public abstract class GuestBookModule {

  private GuestBookModule() {}

  @Binds
  abstract Application application(GuestBook guestBook);
}
