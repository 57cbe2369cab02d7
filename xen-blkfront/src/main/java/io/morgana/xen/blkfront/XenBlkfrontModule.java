package io.morgana.xen.blkfront;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Block;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.platform.XenPlatform;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Binds {@link Block} to a {@link XenBlkfront} for {@code device/vbd/<N>} ({@link #VBD}) of the
 * component's {@link XenPlatform}, closed by the {@link Lifecycle}; the swap of {@code
 * FileBlockModule}. Waits (off the loop) for the backend to connect when the component first
 * needs the {@code Block}.
 */
@Module(includes = BootKeysModule.class)
public abstract class XenBlkfrontModule {

  /** {@code --xen-vbd=51712}: the vbd device number ({@code device/vbd/N}; xvda is 51712). */
  public static final BootKey<Integer> VBD =
      BootKey.integer("xen-vbd", "the Xen vbd device to drive: device/vbd/N", 51712, 0, Integer.MAX_VALUE);

  /** {@code --xen-blkfront-ring-order=0}: ring pages as a power of two, capped by the backend. */
  public static final BootKey<Integer> RING_ORDER =
      BootKey.integer("xen-blkfront-ring-order", "blkif ring pages as a power of two (0..4), capped by the backend", 0, 0, 4);

  /** The boot keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(VBD, RING_ORDER);

  private XenBlkfrontModule() {}

  /** Contributes {@link #KEYS} to the component's boot keys. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  @Binds
  abstract Block block(XenBlkfront blkfront);

  @Provides
  @Singleton
  static XenBlkfront blkfront(XenPlatform platform, BootArguments arguments, Lifecycle lifecycle) {
    XenBlkfront blkfront = new XenBlkfront(platform, arguments.get(VBD), arguments.get(RING_ORDER),
        XenBlkfront.DEFAULT_POOL_PAGES);
    lifecycle.onShutdown(blkfront);
    try {
      return blkfront.start().awaitConnected(Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
