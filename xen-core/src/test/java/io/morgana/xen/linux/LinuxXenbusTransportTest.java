package io.morgana.xen.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.runtime.KernelLoop;
import io.morgana.xen.store.XenStoreClient;
import io.morgana.xen.store.XenStoreException;
import io.morgana.xen.store.XenStoreTransport;
import io.morgana.xen.store.sim.SimXenStore;
import io.morgana.xen.store.wire.XsError;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The {@code /dev/xen/xenbus} transport over a byte stream: a pipe to a thread that relays to the
 * simulated server, exactly the bytes the device would carry; the 4080-byte payload limit.
 */
class LinuxXenbusTransportTest {

  @Test
  void byteStreamCarriesRequestsRepliesAndWatchEvents() throws Exception {
    SimXenStore store = new SimXenStore();
    store.introduceDomain(3);
    Pipe toServer = Pipe.open();
    Pipe toClient = Pipe.open();
    XenStoreTransport server = store.transport(3);
    server.start(new XenStoreTransport.Receiver() {
      @Override
      public void onBytes(byte[] buf, int offset, int length) {
        try {
          ByteBuffer b = ByteBuffer.wrap(buf, offset, length);
          while (b.hasRemaining()) {
            toClient.sink().write(b);
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public void onClosed(Throwable cause) {}
    });
    Thread relay = Thread.ofPlatform().daemon().start(() -> {
      ByteBuffer b = ByteBuffer.allocate(1000); // deliberately smaller than a message: arbitrary splits
      try {
        while (true) {
          b.clear();
          int n = toServer.source().read(b);
          if (n < 0) {
            return;
          }
          server.send(b.array(), 0, n);
        }
      } catch (Exception e) {
        // pipe closed
      }
    });
    // A real device transport delivers on its reader thread: a real loop (a deterministic one
    // would time requests out in virtual time before the reader thread got to them).
    KernelLoop loop = new KernelLoop("xenbus-test");
    loop.start();
    LinuxXenbusTransport t = new LinuxXenbusTransport(toClient.source(), toServer.sink(), () -> {
      toClient.source().close();
      toServer.sink().close();
    });
    XenStoreClient c = new XenStoreClient(t, loop, Duration.ofSeconds(20));
    List<String> events = new CopyOnWriteArrayList<>();
    c.blocking().watch("device", "tok", (p, tok) -> events.add(p));
    c.blocking().write("device/vbd/0/state", "1");
    assertEquals("1", c.blocking().read("device/vbd/0/state"));
    String big = "x".repeat(2040);
    c.blocking().write("big", big);
    assertEquals(big, c.blocking().read("big"));
    // Through the device the payload limit is 4080, not 4096.
    XenStoreException e = assertThrows(XenStoreException.class, () -> c.blocking().write("b", new byte[4080 - 1]));
    assertEquals(XsError.E2BIG, e.error());
    c.blocking().write("b", new byte[2000]);
    c.blocking().getDomainPath(3);
    // Watch events arrived on the reader thread and were queued for the loop.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (events.size() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(List.of("device", "device", "device/vbd", "device/vbd/0", "device/vbd/0/state"), events);
    c.close();
    loop.close();
    relay.join(10_000);
  }
}
