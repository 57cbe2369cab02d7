package io.morgana.examples.guestbook;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Kv;
import io.morgana.api.Udp;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every UDP datagram sent to port {@value #PORT} is stored as {@code guestbook/N.txt} in a
 * {@link Kv} (a FAT disk in the real kernel), and the sender gets {@code stored guestbook/N.txt}
 * back — or {@code failed: …} when the store failed.
 *
 * <p>The UDP handler runs on the kernel loop and must not block, but {@link Kv#set} does (it
 * writes a disk). So the handler copies what it needs, hands the store to {@link
 * EventLoop#offload} and replies from the stage's continuation, which runs on the loop again.
 * Calling {@code kv.set} in the handler itself would fail at once with a message naming the
 * call.
 */
public final class GuestBook implements Application {

  /** The port the guestbook listens on. */
  public static final int PORT = 7070;

  private static final Logger LOG = LoggerFactory.getLogger(GuestBook.class);

  private final Udp udp;
  private final Kv kv;
  private final EventLoop loop;
  private long entries; // loop thread

  @Inject
  public GuestBook(Udp udp, Kv kv, EventLoop loop) {
    this.udp = udp;
    this.kv = kv;
    this.loop = loop;
  }

  @Override
  public CompletionStage<?> start() {
    udp.listen(PORT, this::onDatagram);
    LOG.info("guestbook: storing UDP datagrams to port {}", PORT);
    return new CompletableFuture<Void>();
  }

  /** Entries stored so far. Loop thread. */
  public long entries() {
    return entries;
  }

  private void onDatagram(Ipv4Address source, int sourcePort, Ipv4Address destination, int port, ByteBuf payload) {
    String key = "guestbook/" + (entries++) + ".txt";
    ByteBuf entry = Unpooled.copiedBuffer(payload); // the payload is borrowed: keep a copy
    loop.offload(() -> {
          kv.set(key, entry); // blocking: on an offload thread, never on the loop
          return key;
        })
        .whenComplete((stored, failure) -> { // back on the loop
          String answer = failure == null ? "stored " + stored : "failed: " + failure.getMessage();
          udp.write(source, sourcePort, PORT, Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
        });
  }
}
