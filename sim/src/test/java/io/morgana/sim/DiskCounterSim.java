package io.morgana.sim;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.morgana.api.Block;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A test kernel: a counter in sector 0 of its disk, bumped every 100 ms, flushed every other bump. */
@Singleton
@Component(modules = {SimDevicesModule.class, DiskCounterSim.AppModule.class})
interface DiskCounterSim extends KernelComponent {

  Counter app();

  @Component.Factory
  interface Factory {
    DiskCounterSim create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle, @BindsInstance SimHost host);
  }

  @Module
  abstract class AppModule {
    @Binds
    abstract Application application(Counter app);
  }

  @Singleton
  final class Counter implements Application {
    private final Block disk;
    private final EventLoop loop;
    private final SimHost host;
    long restored = -1;
    long written;
    long flushed;

    @Inject
    Counter(Block disk, EventLoop loop, SimHost host) {
      this.disk = disk;
      this.loop = loop;
      this.host = host;
    }

    @Override
    public CompletionStage<?> start() {
      loop.offload(() -> {
        ByteBuf b = Unpooled.buffer(512);
        disk.read(0, b);
        return b.readLong();
      }).thenAccept(v -> {
        restored = v;
        written = v;
        flushed = v;
        host.log("restored " + v);
        loop.schedule(loop.nowNanos() + 100_000_000L, this::bump);
      });
      return new CompletableFuture<>();
    }

    private void bump() {
      long v = written + 1;
      boolean flush = v % 2 == 0;
      loop.offload(() -> {
        ByteBuf b = Unpooled.buffer(512).writeLong(v);
        b.writeZero(504);
        disk.write(0, b);
        if (flush) {
          disk.flush();
        }
        return null;
      }).thenRun(() -> {
        written = v;
        if (flush) {
          flushed = v;
        }
        loop.schedule(loop.nowNanos() + 100_000_000L, this::bump);
      });
    }
  }
}
