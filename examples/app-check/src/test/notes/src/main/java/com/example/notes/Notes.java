package com.example.notes;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Kv;
import io.morgana.api.Udp;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Notes over UDP (port 5000, {@code --port}): {@code add TEXT} keeps TEXT as {@code notes/N.txt}
 * in a {@link Kv} and answers {@code added notes/N.txt}; {@code list} answers every note, oldest
 * first, one per line. The notes outlive the kernel: numbering goes on from what the disk holds.
 */
public final class Notes implements Application {

  private final Udp udp;
  private final Kv kv;
  private final EventLoop loop;
  private final int port;
  private long next; // loop thread: the number of the next note

  @Inject
  public Notes(Udp udp, Kv kv, EventLoop loop, @Named("port") int port) {
    this.udp = udp;
    this.kv = kv;
    this.loop = loop;
    this.port = port;
  }

  // snippet: start
  @Override
  public CompletionStage<?> start() {
    CompletableFuture<Void> serving = new CompletableFuture<>(); // never completes while serving
    loop.offload(() -> kv.exists("notes").isPresent() ? kv.list("notes").size() : 0) // Kv blocks: off the loop
        .whenComplete((count, failure) -> { // back on the loop
          if (failure != null) {
            serving.completeExceptionally(failure); // the kernel stops with exit status 1
            return;
          }
          next = count;
          udp.listen(port, this::onDatagram);
        });
    return serving;
  }
  // snippet: end

  private void onDatagram(Ipv4Address source, int sourcePort, Ipv4Address destination, int port, ByteBuf payload) {
    String request = payload.toString(StandardCharsets.UTF_8).strip(); // the payload is borrowed
    CompletionStage<String> answer;
    if (request.startsWith("add ")) {
      String key = "notes/" + next++ + ".txt";
      ByteBuf text = Unpooled.copiedBuffer(request.substring(4), StandardCharsets.UTF_8);
      answer = loop.offload(() -> {
        kv.set(key, text);
        return "added " + key;
      });
    } else if (request.equals("list")) {
      answer = loop.offload(this::list);
    } else {
      answer = CompletableFuture.completedFuture("usage: add TEXT | list");
    }
    answer.whenComplete((text, failure) -> udp.write(source, sourcePort, this.port,
        Unpooled.copiedBuffer(failure == null ? text : "failed: " + failure.getMessage(), StandardCharsets.UTF_8)));
  }

  /** Every note, oldest first, one per line. Blocks: runs off the loop. */
  private String list() throws IOException {
    StringBuilder out = new StringBuilder();
    for (long i = 0; ; i++) {
      Optional<ByteBuf> note = kv.get("notes/" + i + ".txt");
      if (note.isEmpty()) {
        return out.toString();
      }
      try {
        out.append(note.get().toString(StandardCharsets.UTF_8)).append('\n');
      } finally {
        note.get().release();
      }
    }
  }
}
