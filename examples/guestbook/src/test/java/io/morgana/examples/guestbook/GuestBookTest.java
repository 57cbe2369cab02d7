package io.morgana.examples.guestbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Kv;
import io.morgana.block.RamBlock;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FormatOptions;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.testkit.EthernetSwitch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guestbook on a deterministic loop: a client stack sends datagrams over an in-memory switch,
 * the server's loop callback offloads the blocking FAT store, and the reply comes back — in
 * virtual time, the same way on every run.
 */
class GuestBookTest {

  private final DeterministicLoop loop = new DeterministicLoop();
  private final EthernetSwitch ethernet = new EthernetSwitch(loop);
  private TcpipStack server;
  private TcpipStack client;
  private TestKernel kernel;
  private final List<String> replies = new ArrayList<>();

  @BeforeEach
  void boot() throws Exception {
    RamBlock disk = RamBlock.ofSize(4L << 20);
    FatFileSystem.format(disk, FormatOptions.defaults());
    server = new TcpipStack(ethernet.newPort(), loop, Ipv4Config.of("192.0.2.2/24", null));
    client = new TcpipStack(ethernet.newPort(), loop, Ipv4Config.of("192.0.2.1/24", null));
    kernel = DaggerTestKernel.factory().create(server.udp(), loop, disk);
    GuestBook guestBook = kernel.guestBook(); // built off the loop, as Kernel does: mounting FAT reads the disk
    loop.execute(() -> {
      guestBook.start();
      client.udp().listen(5555, (src, sport, dst, dport, payload) -> replies.add(payload.toString(StandardCharsets.UTF_8)));
    });
    loop.runUntilIdle();
  }

  @AfterEach
  void shutDown() {
    loop.runUntilIdle();
    server.close();
    client.close();
  }

  private void sign(String text) {
    client.udp().write(Ipv4Address.parse("192.0.2.2"), GuestBook.PORT, 5555, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  @Test
  void eachDatagramIsStoredOffTheLoopAndAnsweredOnIt() throws Exception {
    sign("hello from the switch");
    sign("second entry");
    loop.runUntilIdle();
    assertEquals(List.of("stored guestbook/0.txt", "stored guestbook/1.txt"), replies);
    assertEquals(0, loop.offloadsInProgress());
    Kv kv = kernel.kv();
    ByteBuf first = kv.get("guestbook/0.txt").orElseThrow();
    try {
      assertEquals("hello from the switch", first.toString(StandardCharsets.UTF_8));
    } finally {
      first.release();
    }
    assertEquals(2, kv.list("guestbook").size());
  }

  @Test
  void aBlockingStoreCalledOnTheLoopItselfFailsAtOnceNamingTheCall() {
    List<String> failures = new ArrayList<>();
    loop.execute(() -> {
      try {
        LoopBridge.checkBlockingAllowed("Kv.set");
      } catch (IllegalStateException e) {
        failures.add(e.getMessage());
      }
    });
    loop.runUntilIdle();
    assertEquals(1, failures.size());
    assertTrue(failures.getFirst().startsWith("Kv.set blocks and was called on kernel loop thread"), failures.getFirst());
  }
}
