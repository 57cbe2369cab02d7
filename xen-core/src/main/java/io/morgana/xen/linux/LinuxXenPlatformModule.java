package io.morgana.xen.linux;

import dagger.Module;
import dagger.Provides;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.platform.XenPlatform;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Binds {@link XenPlatform} to the devices of a Linux Xen guest ({@link LinuxXenPlatform}: {@code
 * /dev/xen/xenbus}, {@code evtchn}, {@code gntalloc}), opened when the component first needs the
 * platform and closed by the {@link Lifecycle}. Outside a Xen guest (or without root or the
 * drivers) that is a {@link XenUnavailableException} with one message saying what is missing,
 * which {@code Kernel} reports, exiting with status 1.
 *
 * <p>Its swap is {@link io.morgana.xen.sim.SimulatedXenPlatformModule}. Needs {@link EventLoop}
 * and {@link Lifecycle} bound in the component.
 */
@Module(includes = BootKeysModule.class)
public final class LinuxXenPlatformModule {

  /** How long a XenStore request may go unanswered. */
  static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private LinuxXenPlatformModule() {}

  /** Opens the devices. */
  @Provides
  @Singleton
  static XenPlatform platform(EventLoop loop, Lifecycle lifecycle) {
    LinuxXenPlatform platform = LinuxXenPlatform.open(loop, STORE_TIMEOUT);
    lifecycle.onShutdown(platform);
    return platform;
  }
}
