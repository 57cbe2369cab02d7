package ${package};

import io.morgana.api.Ipv4Address;
import io.morgana.api.Kv;
import io.morgana.api.Udp;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps every UDP datagram sent to its port as {@code inbox/N.txt} in a {@link Kv} and answers
 * {@code stored inbox/N.txt}. The application names interfaces only: a target's component picks
 * the implementations (a TAP device and a FAT disk image in {@link TapKernel}, an in-memory switch
 * and a RAM disk in the test).
 *
 * <p>Threads: {@link #start()} and the UDP handler run on the kernel loop and must not block;
 * {@link Kv} blocks (it writes a disk), so the handler hands the store to {@link
 * EventLoop#offload} and answers when it completes, back on the loop.
 */
public final class ${appClass} implements Application {

  private final Udp udp;
  private final Kv kv;
  private final EventLoop loop;
  private final int port;
  private long received; // loop thread

  @Inject
  public ${appClass}(Udp udp, Kv kv, EventLoop loop, @Named("port") int port) {
    this.udp = udp;
    this.kv = kv;
    this.loop = loop;
    this.port = port;
  }

  @Override
  public CompletionStage<?> start() {
    udp.listen(port, this::onDatagram);
    return new CompletableFuture<Void>(); // serves until the kernel is stopped
  }

  private void onDatagram(Ipv4Address source, int sourcePort, Ipv4Address destination, int port, ByteBuf payload) {
    String key = "inbox/" + (received++) + ".txt";
    ByteBuf copy = Unpooled.copiedBuffer(payload); // the payload is borrowed: keep a copy
    loop.offload(() -> {
          kv.set(key, copy); // blocks: runs off the loop
          return key;
        })
        .whenComplete((stored, failure) -> { // back on the loop
          String answer = failure == null ? "stored " + stored : "failed: " + failure.getMessage();
          udp.write(source, sourcePort, this.port, Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
        });
  }
}
