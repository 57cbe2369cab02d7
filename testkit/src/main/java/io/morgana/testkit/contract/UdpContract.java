package io.morgana.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Udp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Udp} must do (RFC 768 as the api documents it), as inherited tests. Subclass
 * it and implement {@link #open()}: two UDP endpoints that reach each other over a network that
 * loses nothing — one host-socket stack over 127.0.0.1, two net-tcpip stacks on a switch.
 *
 * <p>Checked: datagrams of 0 bytes up to {@link Udp#MAX_PAYLOAD} (fragmented by IP beyond one
 * frame) arrive intact, with the sender's address and port and the receiver's as the handler's
 * arguments; a reply to the source port reaches the sender; source port 0 is an ephemeral port in
 * 49152–65535; {@code write} from a thread that is not the loop's; a second {@code listen} on a
 * port throws {@link IllegalStateException}; {@code unlisten} stops delivery and the port can be
 * listened on again; a handler that throws does not stop later datagrams; a handler may retain a
 * payload, which stays intact while later ones arrive; a payload above {@link Udp#MAX_PAYLOAD}
 * is refused ({@code false}); every written payload, and every buffer the stacks allocated, is
 * released by the end.
 *
 * <p>{@code listen}/{@code unlisten} run on the loop thread through {@link Network#driver()}.
 */
public abstract class UdpContract {

  /**
   * Two UDP endpoints that reach each other (they may be one stack).
   *
   * @param client one end
   * @param clientAddress where {@code client}'s datagrams come from, as the other end sees it
   * @param server the other end
   * @param serverAddress where {@code client} reaches {@code server}
   * @param driver runs the loop the handlers are called on (both ends share it)
   * @param outstandingBuffers buffers the stacks allocated and nobody released yet; checked after
   *     {@code resources} closed
   * @param resources closes the stacks and what they run on; may be {@code null}
   */
  public record Network(
      Udp client,
      Ipv4Address clientAddress,
      Udp server,
      Ipv4Address serverAddress,
      LoopDriver driver,
      LongSupplier outstandingBuffers,
      AutoCloseable resources) {}

  /** A fresh pair of endpoints; each test opens its own. */
  protected abstract Network open() throws Exception;

  /** A port free at both ends (a different one on each call). */
  protected int freePort(Network network) throws Exception {
    return nextPort++;
  }

  /** How long to wait for datagrams (virtual time on a deterministic loop). */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /** How long to watch for datagrams that must not arrive. */
  protected Duration quietPeriod() {
    return Duration.ofMillis(300);
  }

  private int nextPort = 30_000;
  private final List<ByteBuf> written = new ArrayList<>();

  // ---------------------------------------------------------------------------------------------

  @Test
  public void datagramsOfEverySizeArriveIntactWithTheirAddresses() throws Exception {
    try (Fixture f = fixture()) {
      int clientPort = freePort(f.net);
      int serverPort = freePort(f.net);
      Capture atServer = new Capture();
      f.listen(f.net.server(), serverPort, atServer);
      f.listen(f.net.client(), clientPort, new Capture());
      int[] sizes = {0, 1, 100, 1472, 1473, 4000, 9000, 30_000, Udp.MAX_PAYLOAD};
      List<byte[]> sent = new ArrayList<>();
      for (int size : sizes) {
        byte[] data = TcpContract.pattern(size, size + 1);
        sent.add(data);
        assertTrue(f.net.client().write(f.net.serverAddress(), serverPort, clientPort, payload(data)),
            "write of " + size + " bytes");
        f.await(atServer, sent.size(), "datagram of " + size + " bytes");
      }
      List<Datagram> got = f.snapshot(atServer);
      for (int i = 0; i < sizes.length; i++) {
        Datagram d = got.get(i);
        assertArrayEquals(sent.get(i), d.data, "datagram " + i + " of " + sizes[i] + " bytes");
        assertEquals(f.net.clientAddress(), d.source, "source address");
        assertEquals(clientPort, d.sourcePort, "source port");
        assertEquals(f.net.serverAddress(), d.destination, "destination address");
        assertEquals(serverPort, d.destinationPort, "destination port");
      }
    }
  }

  @Test
  public void aReplyToTheSourcePortReachesTheSender() throws Exception {
    try (Fixture f = fixture()) {
      int clientPort = freePort(f.net);
      int serverPort = freePort(f.net);
      Capture atClient = new Capture();
      // The server echoes from its handler, on the loop, with a copy it owns.
      f.listen(f.net.server(), serverPort, (src, sport, dst, dport, payload) ->
          f.net.server().write(src, sport, dport, Unpooled.copiedBuffer(payload)));
      f.listen(f.net.client(), clientPort, atClient);
      byte[] data = "are you there?".getBytes();
      assertTrue(f.net.client().write(f.net.serverAddress(), serverPort, clientPort, payload(data)));
      f.await(atClient, 1, "the echo");
      Datagram d = f.snapshot(atClient).get(0);
      assertArrayEquals(data, d.data);
      assertEquals(f.net.serverAddress(), d.source);
      assertEquals(serverPort, d.sourcePort);
      assertEquals(clientPort, d.destinationPort);
    }
  }

  @Test
  public void sourcePortZeroIsAnEphemeralPort() throws Exception {
    try (Fixture f = fixture()) {
      int serverPort = freePort(f.net);
      Capture atServer = new Capture();
      f.listen(f.net.server(), serverPort, atServer);
      for (int i = 0; i < 3; i++) {
        assertTrue(f.net.client().write(f.net.serverAddress(), serverPort, 0, payload(new byte[] {(byte) i})));
      }
      f.await(atServer, 3, "datagrams from port 0");
      for (Datagram d : f.snapshot(atServer)) {
        assertTrue(d.sourcePort >= 49_152 && d.sourcePort <= 65_535, "ephemeral source port " + d.sourcePort);
      }
    }
  }

  @Test
  public void writeFromAnApplicationThreadArrives() throws Exception {
    try (Fixture f = fixture()) {
      int serverPort = freePort(f.net);
      Capture atServer = new Capture();
      f.listen(f.net.server(), serverPort, atServer);
      int count = 50;
      Thread writer = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < count; i++) {
          f.net.client().write(f.net.serverAddress(), serverPort, 0, payload(TcpContract.pattern(200, i)));
        }
      });
      writer.join(timeout().toMillis() + 10_000);
      f.await(atServer, count, "datagrams written off the loop");
    }
  }

  @Test
  public void aSecondListenOnAPortThrows() throws Exception {
    try (Fixture f = fixture()) {
      int port = freePort(f.net);
      f.listen(f.net.server(), port, new Capture());
      assertThrows(IllegalStateException.class, () -> f.listen(f.net.server(), port, new Capture()));
    }
  }

  @Test
  public void unlistenStopsDeliveryAndThePortCanBeListenedOnAgain() throws Exception {
    try (Fixture f = fixture()) {
      int port = freePort(f.net);
      Capture first = new Capture();
      f.listen(f.net.server(), port, first);
      f.net.client().write(f.net.serverAddress(), port, 0, payload(new byte[] {1}));
      f.await(first, 1, "before unlisten");
      f.net.driver().run(() -> f.net.server().unlisten(port));
      f.net.client().write(f.net.serverAddress(), port, 0, payload(new byte[] {2}));
      f.net.driver().settle(quietPeriod());
      assertEquals(1, f.snapshot(first).size(), "nothing after unlisten");
      Capture second = new Capture();
      f.listen(f.net.server(), port, second);
      f.net.client().write(f.net.serverAddress(), port, 0, payload(new byte[] {3}));
      f.await(second, 1, "after listening again");
      assertEquals(3, f.snapshot(second).get(0).data[0]);
      assertEquals(1, f.snapshot(first).size(), "the old handler is not called");
    }
  }

  @Test
  public void aHandlerThatThrowsDoesNotStopLaterDatagrams() throws Exception {
    try (Fixture f = fixture()) {
      int port = freePort(f.net);
      Capture capture = new Capture();
      f.listen(f.net.server(), port, (src, sport, dst, dport, payload) -> {
        capture.onDatagram(src, sport, dst, dport, payload);
        if (payload.getByte(payload.readerIndex()) == 0) {
          throw new IllegalStateException("a handler's bug (expected by the test)");
        }
      });
      f.net.client().write(f.net.serverAddress(), port, 0, payload(new byte[] {0}));
      f.await(capture, 1, "the datagram the handler throws on");
      f.net.client().write(f.net.serverAddress(), port, 0, payload(new byte[] {1}));
      f.await(capture, 2, "the datagram after");
    }
  }

  @Test
  public void aRetainedPayloadStaysIntactWhileLaterOnesArrive() throws Exception {
    try (Fixture f = fixture()) {
      int port = freePort(f.net);
      List<ByteBuf> kept = new ArrayList<>();
      Capture capture = new Capture();
      f.listen(f.net.server(), port, (src, sport, dst, dport, payload) -> {
        capture.onDatagram(src, sport, dst, dport, payload);
        if (kept.isEmpty()) {
          kept.add(payload.retain());
        }
      });
      byte[] first = TcpContract.pattern(1000, 1);
      f.net.client().write(f.net.serverAddress(), port, 0, payload(first));
      f.await(capture, 1, "the first datagram");
      for (int i = 0; i < 20; i++) {
        f.net.client().write(f.net.serverAddress(), port, 0, payload(TcpContract.pattern(1000, 100 + i)));
      }
      f.await(capture, 21, "later datagrams");
      byte[] still = f.net.driver().call(() -> ByteBufUtil.getBytes(kept.get(0)));
      f.net.driver().run(() -> kept.get(0).release());
      assertArrayEquals(first, still, "the retained payload");
    }
  }

  @Test
  public void aPayloadAboveTheMaximumIsRefused() throws Exception {
    try (Fixture f = fixture()) {
      int port = freePort(f.net);
      Capture capture = new Capture();
      f.listen(f.net.server(), port, capture);
      assertFalse(f.net.client().write(f.net.serverAddress(), port, 0, payload(new byte[Udp.MAX_PAYLOAD + 1])),
          "a payload of " + (Udp.MAX_PAYLOAD + 1) + " bytes");
      f.net.driver().settle(quietPeriod());
      assertEquals(0, f.snapshot(capture).size());
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One datagram as a handler saw it (a copy). */
  protected record Datagram(Ipv4Address source, int sourcePort, Ipv4Address destination, int destinationPort,
      byte[] data) {}

  /** A handler that copies what it sees; read it on the loop thread. */
  protected static final class Capture implements Udp.UdpHandler {
    final List<Datagram> seen = new ArrayList<>();

    @Override
    public void onDatagram(Ipv4Address source, int sourcePort, Ipv4Address destination, int destinationPort,
        ByteBuf payload) {
      seen.add(new Datagram(source, sourcePort, destination, destinationPort, ByteBufUtil.getBytes(payload)));
    }
  }

  /** The network under test; checks every buffer at the end. */
  protected final class Fixture implements AutoCloseable {
    final Network net;

    Fixture(Network net) {
      this.net = net;
    }

    void listen(Udp udp, int port, Udp.UdpHandler handler) {
      net.driver().run(() -> udp.listen(port, handler));
    }

    void await(Capture c, int count, String what) {
      assertTrue(net.driver().runUntil(() -> c.seen.size() >= count, timeout()),
          what + ": " + snapshot(c).size() + " of " + count + " datagrams arrived");
    }

    List<Datagram> snapshot(Capture c) {
      try {
        return net.driver().call(() -> List.copyOf(c.seen));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws Exception {
      if (net.resources() != null) {
        net.resources().close();
      }
      long leaked;
      synchronized (written) {
        leaked = written.stream().filter(b -> b.refCnt() > 0).count();
        written.clear();
      }
      assertEquals(0, leaked, "payloads given to Udp.write and never released");
      assertEquals(0, net.outstandingBuffers().getAsLong(), "buffers the stacks allocated and never released");
    }
  }

  private Fixture fixture() throws Exception {
    return new Fixture(open());
  }

  /** {@code data} in a fresh buffer that the contract checks was released. */
  private ByteBuf payload(byte[] data) {
    ByteBuf b = data.length % 2 == 0 ? Unpooled.buffer(data.length) : Unpooled.directBuffer(data.length);
    b.writeBytes(data);
    synchronized (written) {
      written.add(b);
    }
    return b;
  }
}
