package io.morgana.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowOption;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.testkit.contract.Concurrency.Task;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Tcp} and {@link Flow} must do, as inherited tests (RFC 9293 as the api
 * documents it). Subclass it and implement {@link #open()}: a client stack and a server stack that
 * reach each other — one host-socket stack over 127.0.0.1, two net-tcpip stacks on a switch.
 *
 * <p>Checked: listen, connect and accept, with matching endpoints; echo of 0 bytes to several MiB,
 * SHA-256 equal; half-close in both directions (RFC 9293 §3.6: the side that shut its output keeps
 * reading); end of stream (a {@code null} read, every time after), reset (a {@link
 * SocketException}, also for later calls) and retransmission time-out (a {@link
 * SocketTimeoutException}) as distinct outcomes; a refused connect and a connect to a peer that
 * never answers, each a {@link ConnectException}; {@code listen} on a port listened on throws
 * {@link BindException}; closing a listener wakes its {@code accept} with an {@link IOException};
 * a port is listened on again after its listener closed; many connections at once; a large
 * transfer in both directions at the same time; calls after {@code close} throw, and {@code
 * close} is idempotent; every buffer the test writes, and every buffer the stacks allocate, is
 * released by the end ({@link Network#outstandingBuffers}); per-flow options ({@link FlowOption}):
 * {@code NO_DELAY} and {@code KEEP_ALIVE} honoured, {@code USER_TIMEOUT} honoured or declared
 * unsupported ({@link UnsupportedOperationException}), bad values an {@link
 * IllegalArgumentException}, any option on a closed flow an {@link IOException}, and — where the
 * server can be silenced — keep-alive and the user timeout ending in a {@link
 * SocketTimeoutException}.
 *
 * <p>Outcomes are checked by exception type; connect failures also by the words "refused" and
 * "timed out", which both of Morgana's implementations use (the api's types cannot tell them
 * apart).
 */
public abstract class TcpContract {

  /**
   * A client and a server stack that reach each other (they may be one stack).
   *
   * @param client the stack that connects
   * @param server the stack that listens
   * @param serverAddress where the client reaches the server's listeners
   * @param concurrency how the test runs the other end beside the test thread
   * @param outstandingBuffers buffers the stacks allocated and nobody released yet (a {@link
   *     io.morgana.testkit.TrackingAllocator}'s count); checked after {@code resources} closed
   * @param resources closes the stacks and what they run on; may be {@code null}
   */
  public record Network(
      Tcp client,
      Tcp server,
      Ipv4Address serverAddress,
      Concurrency concurrency,
      LongSupplier outstandingBuffers,
      AutoCloseable resources) {}

  /** A fresh client and server; each test opens its own and {@linkplain #close closes} it. */
  protected abstract Network open() throws Exception;

  /**
   * An endpoint whose SYNs the client's stack gets no answer to (neither SYN-ACK nor RST), so that
   * a connect there times out.
   */
  protected abstract Endpoint unansweredEndpoint(Network network) throws Exception;

  /**
   * Makes the server silent from now on (its segments and the client's are lost), so that data
   * the client sends is retransmitted until the client gives up. Stacks that cannot be made
   * silent (the host's loopback) leave the default, which skips the time-out test.
   */
  protected void silenceServer(Network network) throws Exception {
    Assumptions.abort("this network cannot be made silent: no retransmission time-out to observe");
  }

  /** A port nobody listens on at the server (a different one on each call). */
  protected int freePort(Network network) throws Exception {
    return nextPort.getAndIncrement();
  }

  /** The largest transfer of the echo and bidirectional tests, in bytes. */
  protected int largeTransfer() {
    return 4 << 20;
  }

  /** How many connections {@link #manyConnectionsAtOnceEachEchoTheirOwnData} opens at once. */
  protected int concurrentConnections() {
    return 64;
  }

  /** How long a connect may wait in tests that expect it to succeed. */
  protected Duration connectTimeout() {
    return Duration.ofSeconds(30);
  }

  private final AtomicInteger nextPort = new AtomicInteger(20_000);
  private final List<ByteBuf> written = new ArrayList<>();

  // ---------------------------------------------------------------------------------------------

  @Test
  public void connectAndAcceptAgreeOnTheEndpoints() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        assertEquals(port, l.port());
        Connected pair = connect(n, l, port);
        Flow c = pair.client();
        Flow s = pair.server();
        assertEquals(new Endpoint(n.net.serverAddress(), port), c.remoteEndpoint());
        assertEquals(new Endpoint(n.net.serverAddress(), port), s.localEndpoint());
        assertEquals(c.localEndpoint(), s.remoteEndpoint(), "the server sees the client's end");
        assertTrue(c.localEndpoint().port() > 0, "the client's port is assigned");
        c.close();
        s.close();
      }
    }
  }

  @Test
  public void echoOfNothingIsEndOfStreamAtOnce() throws Exception {
    echo(0);
  }

  @Test
  public void echoOfOneByte() throws Exception {
    echo(1);
  }

  @Test
  public void echoOfMoreThanOneSegment() throws Exception {
    echo(3_001);
  }

  @Test
  public void echoOfMoreThanAWindow() throws Exception {
    echo(300_007);
  }

  @Test
  public void echoOfSeveralMebibytesArrivesIntact() throws Exception {
    echo(largeTransfer());
  }

  /**
   * The client writes {@code size} bytes and shuts its output; the server echoes until end of
   * stream and closes; the client reads everything back, then end of stream.
   */
  private void echo(int size) throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      byte[] data = pattern(size, size);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<Long> server = n.fork("echo server", () -> {
          long count = 0;
          Flow s = l.accept();
          ByteBuf b;
          while ((b = s.read()) != null) {
            count += b.readableBytes();
            s.write(b);
          }
          s.close();
          return count;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        Task<Void> writer = n.fork("client writer", () -> {
          writeAll(c, data);
          c.shutdownOutput();
          return null;
        });
        Received back = readToEnd(c);
        writer.join();
        assertEquals(size, back.length, "bytes echoed");
        assertEquals(hex(sha256(data)), hex(back.sha256), "SHA-256 of what came back");
        assertNull(c.read(), "end of stream, again");
        assertEquals(size, server.join(), "bytes the server read");
        c.close();
      }
    }
  }

  @Test
  public void halfCloseByTheClientLetsTheServerAnswerAfterEndOfStream() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      byte[] answer = pattern(100_000, 7);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<byte[]> server = n.fork("server", () -> {
          Flow s = l.accept();
          Received request = readToEnd(s);
          writeAll(s, answer);
          s.close();
          return request.sha256;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        byte[] request = pattern(20_000, 3);
        writeAll(c, request);
        c.shutdownOutput();
        Received got = readToEnd(c);
        assertEquals(hex(sha256(answer)), hex(got.sha256), "the answer after the client's FIN");
        assertEquals(hex(sha256(request)), hex(server.join()), "the request before the FIN");
        ByteBuf late = track(Unpooled.wrappedBuffer(new byte[] {1}));
        assertThrows(IOException.class, () -> c.write(late), "write after shutdownOutput");
        c.close();
      }
    }
  }

  @Test
  public void halfCloseByTheServerLetsTheClientGoOnWriting() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      byte[] upload = pattern(200_000, 11);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<byte[]> server = n.fork("server", () -> {
          Flow s = l.accept();
          writeAll(s, "greeting".getBytes());
          s.shutdownOutput();
          Received got = readToEnd(s);
          s.close();
          return got.sha256;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        Received greeting = readToEnd(c);
        assertEquals(8, greeting.length, "greeting, then the server's FIN");
        writeAll(c, upload);
        c.shutdownOutput();
        assertEquals(hex(sha256(upload)), hex(server.join()), "the server read after its own FIN");
        assertNull(c.read(), "end of stream stays");
        c.close();
      }
    }
  }

  @Test
  public void resetByThePeerIsASocketExceptionForEveryLaterCall() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<Void> server = n.fork("server", () -> {
          Flow s = l.accept();
          s.abort();
          return null;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        server.join();
        IOException first = assertThrows(IOException.class, c::read, "read after the peer's RST");
        assertInstanceOf(SocketException.class, first, "a reset: " + first);
        assertFalse(first instanceof SocketTimeoutException, "a reset is not a time-out");
        IOException again = assertThrows(IOException.class, c::read, "read again");
        assertInstanceOf(SocketException.class, again);
        ByteBuf b = track(Unpooled.wrappedBuffer(new byte[100]));
        assertThrows(SocketException.class, () -> c.write(b), "write after the reset");
        c.close();
      }
    }
  }

  @Test
  public void abortOnOurSideResetsThePeer() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<IOException> server = n.fork("server", () -> {
          Flow s = l.accept();
          try {
            ByteBuf b;
            while ((b = s.read()) != null) {
              b.release();
            }
            return null;
          } catch (IOException e) {
            return e;
          } finally {
            s.close();
          }
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        writeAll(c, pattern(1000, 1));
        c.abort();
        c.abort();
        IOException seen = server.join();
        assertInstanceOf(SocketException.class, seen, "the server's read ends with a reset, not end of stream");
        assertThrows(IOException.class, c::read, "read after abort");
      }
    }
  }

  @Test
  public void retransmissionsGivenUpAreASocketTimeoutException() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Connected pair = connect(n, l, port);
        Flow c = pair.client();
        Flow s = pair.server();
        silenceServer(n.net);
        writeAll(c, pattern(10_000, 2));
        IOException e = assertThrows(IOException.class, () -> readUntilItFails(c));
        assertInstanceOf(SocketTimeoutException.class, e, "given up: " + e);
        assertInstanceOf(SocketTimeoutException.class, assertThrows(IOException.class, c::read), "again");
        c.close();
        s.abort();
      }
    }
  }

  @Test
  public void connectToAPortNobodyListensOnIsRefused() throws Exception {
    try (Fixture n = fixture()) {
      Endpoint closed = new Endpoint(n.net.serverAddress(), freePort(n.net));
      ConnectException e = assertThrows(ConnectException.class,
          () -> n.net.client().connect(closed, Duration.ofMinutes(5)));
      assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }
  }

  @Test
  public void connectWithNoAnswerTimesOut() throws Exception {
    try (Fixture n = fixture()) {
      Endpoint silent = unansweredEndpoint(n.net);
      ConnectException e = assertThrows(ConnectException.class,
          () -> n.net.client().connect(silent, Duration.ofMillis(1500)));
      assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }
  }

  @Test
  public void listenOnAPortListenedOnThrowsBindException() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        assertThrows(BindException.class, () -> n.net.server().listen(port));
        assertEquals(port, l.port(), "the first listener is unaffected");
      }
    }
  }

  @Test
  public void closingAListenerWakesItsAccept() throws Exception {
    try (Fixture n = fixture()) {
      Tcp.Listener l = n.net.server().listen(freePort(n.net));
      Task<Flow> accepting = n.fork("accept", l::accept);
      // Let the accept reach its wait where the stack shows it (a connect elsewhere is a round trip).
      assertThrows(ConnectException.class, () -> n.net.client().connect(
          new Endpoint(n.net.serverAddress(), freePort(n.net)), Duration.ofMinutes(5)));
      l.close();
      l.close();
      IOException e = assertThrows(IOException.class, accepting::join, "accept on a closed listener");
      assertFalse(e instanceof SocketTimeoutException, e.toString());
      assertThrows(IOException.class, l::accept, "accept after close");
    }
  }

  @Test
  public void aPortIsListenedOnAgainAfterItsListenerClosed() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      for (int round = 0; round < 3; round++) {
        try (Tcp.Listener l = n.net.server().listen(port)) {
          int r = round;
          Task<Void> server = n.fork("server " + round, () -> {
            Flow s = l.accept();
            writeAll(s, new byte[] {(byte) r});
            s.close();
            return null;
          });
          Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
          Received got = readToEnd(c);
          assertEquals(1, got.length, "round " + round);
          server.join();
          c.close();
        }
      }
    }
  }

  @Test
  public void manyConnectionsAtOnceEachEchoTheirOwnData() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      int count = concurrentConnections();
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<Integer> acceptor = n.fork("acceptor", () -> {
          List<Task<Void>> echoes = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            Flow s = l.accept();
            echoes.add(n.fork("echo " + i, () -> {
              ByteBuf b;
              while ((b = s.read()) != null) {
                s.write(b);
              }
              s.close();
              return null;
            }));
          }
          for (Task<Void> t : echoes) {
            t.join();
          }
          return echoes.size();
        });
        List<Task<String>> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          int id = i;
          clients.add(n.fork("client " + i, () -> {
            byte[] data = pattern(10_000 + id * 97, id);
            Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
            Task<Void> writer = n.fork("writer " + id, () -> {
              writeAll(c, data);
              c.shutdownOutput();
              return null;
            });
            Received back = readToEnd(c);
            writer.join();
            c.close();
            return hex(back.sha256).equals(hex(sha256(data))) ? "" : "connection " + id + " corrupted; ";
          }));
        }
        StringBuilder errors = new StringBuilder();
        for (Task<String> t : clients) {
          errors.append(t.join());
        }
        assertEquals("", errors.toString());
        assertEquals(count, acceptor.join());
      }
    }
  }

  @Test
  public void largeTransfersInBothDirectionsAtOnce() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      byte[] up = pattern(largeTransfer(), 21);
      byte[] down = pattern(largeTransfer() - 1, 22);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<byte[]> server = n.fork("server", () -> {
          Flow s = l.accept();
          Task<Void> serverWriter = n.fork("server writer", () -> {
            writeAll(s, down);
            s.shutdownOutput();
            return null;
          });
          Received got = readToEnd(s);
          serverWriter.join();
          s.close();
          return got.sha256;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        Task<Void> clientWriter = n.fork("client writer", () -> {
          writeAll(c, up);
          c.shutdownOutput();
          return null;
        });
        Received got = readToEnd(c);
        clientWriter.join();
        assertEquals(hex(sha256(down)), hex(got.sha256), "server -> client");
        assertEquals(hex(sha256(up)), hex(server.join()), "client -> server");
        c.close();
      }
    }
  }

  @Test
  public void callsAfterCloseThrowAndCloseIsIdempotent() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<Received> server = n.fork("server", () -> {
          Flow s = l.accept();
          Received r = readToEnd(s);
          s.close();
          return r;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        writeAll(c, pattern(5000, 5));
        c.close();
        c.close();
        assertEquals(5000, server.join().length, "data queued before close is delivered, then end of stream");
        ByteBuf b = track(Unpooled.wrappedBuffer(new byte[10]));
        assertThrows(IOException.class, () -> c.write(b), "write after close");
        c.abort();
      }
    }
  }

  /**
   * A read after our own {@code close} is a use after close and throws, whether or not the peer's
   * FIN has arrived by then: the outcome must not depend on timing.
   */
  @Test
  public void readAfterCloseThrowsAlsoWhenThePeersFinArrived() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<Void> server = n.fork("server", () -> {
          Flow s = l.accept();
          s.close();
          return null;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        server.join();
        Task<ByteBuf> peek = n.fork("reader", c::read);
        assertNull(peek.join(), "the server's FIN: end of stream");
        c.close();
        assertThrows(IOException.class, c::read, "read after close");
      }
    }
  }

  @Test
  public void noDelayAndKeepAliveAreHonouredPerFlowAndDataStillFlows() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Task<Received> server = n.fork("server", () -> {
          Flow s = l.accept();
          Received r = readToEnd(s);
          s.close();
          return r;
        });
        Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
        c.set(FlowOption.NO_DELAY, true);
        c.set(FlowOption.KEEP_ALIVE, new FlowOption.KeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(5), 4));
        byte[] data = pattern(3000, 9);
        for (int off = 0; off < data.length; off += 100) { // small writes: each goes at once
          ByteBuf b = track(Unpooled.buffer(100));
          b.writeBytes(data, off, 100);
          c.write(b);
        }
        c.set(FlowOption.NO_DELAY, false);
        c.set(FlowOption.KEEP_ALIVE, FlowOption.KeepAlive.OFF);
        c.shutdownOutput();
        Received r = server.join();
        assertEquals(data.length, r.length());
        assertEquals(hex(sha256(data)), hex(r.sha256()));
        c.close();
      }
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void optionValuesOutOfRangeAreIllegalArgumentsAndOptionsOnAClosedFlowThrow() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Connected pair = connect(n, l, port);
        Flow c = pair.client();
        Flow s = pair.server();
        assertThrows(IllegalArgumentException.class, () -> c.set(FlowOption.USER_TIMEOUT, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> c.set((FlowOption) FlowOption.NO_DELAY, "yes"));
        assertThrows(IllegalArgumentException.class, () -> c.set(FlowOption.NO_DELAY, null));
        assertThrows(IllegalArgumentException.class,
            () -> new FlowOption.KeepAlive(Duration.ofSeconds(1), Duration.ZERO, 3));
        try {
          c.set(FlowOption.USER_TIMEOUT, Duration.ofSeconds(30));
        } catch (UnsupportedOperationException e) {
          // documented: an implementation that cannot honour it says so
        }
        c.close();
        assertThrows(IOException.class, () -> c.set(FlowOption.NO_DELAY, true), "set after close");
        s.close();
      }
    }
  }

  @Test
  public void keepAliveUnansweredIsASocketTimeoutException() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Connected pair = connect(n, l, port);
        Flow c = pair.client();
        Flow s = pair.server();
        c.set(FlowOption.KEEP_ALIVE, new FlowOption.KeepAlive(Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
        silenceServer(n.net);
        IOException e = assertThrows(IOException.class, c::read, "an idle read ends when the probes go unanswered");
        assertInstanceOf(SocketTimeoutException.class, e, "timed out: " + e);
        c.close();
        s.abort();
      }
    }
  }

  @Test
  public void userTimeoutEndsUnacknowledgedDataWithASocketTimeoutException() throws Exception {
    try (Fixture n = fixture()) {
      int port = freePort(n.net);
      try (Tcp.Listener l = n.net.server().listen(port)) {
        Connected pair = connect(n, l, port);
        Flow c = pair.client();
        Flow s = pair.server();
        try {
          c.set(FlowOption.USER_TIMEOUT, Duration.ofSeconds(5));
        } catch (UnsupportedOperationException e) {
          c.close();
          s.close();
          Assumptions.abort("USER_TIMEOUT is declared unsupported here: " + e.getMessage());
        }
        silenceServer(n.net);
        writeAll(c, pattern(10_000, 4));
        IOException e = assertThrows(IOException.class, () -> readUntilItFails(c));
        assertInstanceOf(SocketTimeoutException.class, e, "given up: " + e);
        c.close();
        s.abort();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A network under test plus what the contract itself must release; checks the buffers at the end. */
  protected final class Fixture implements AutoCloseable {
    final Network net;

    Fixture(Network net) {
      this.net = net;
    }

    <T> Task<T> fork(String name, java.util.concurrent.Callable<T> work) {
      return net.concurrency().fork(name, work);
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
      assertEquals(0, leaked, "buffers given to Flow.write and never released");
      assertEquals(0, net.outstandingBuffers().getAsLong(), "buffers the stacks allocated and never released");
    }
  }

  private Fixture fixture() throws Exception {
    return new Fixture(open());
  }

  /** A client's flow and the one the server accepted for it. */
  private record Connected(Flow client, Flow server) {}

  /** Connects the client to {@code l} on {@code port} while the server accepts. */
  private Connected connect(Fixture n, Tcp.Listener l, int port) throws Exception {
    Task<Flow> accepted = n.fork("accept", l::accept);
    Flow c = n.net.client().connect(new Endpoint(n.net.serverAddress(), port), connectTimeout());
    return new Connected(c, accepted.join());
  }

  /** Reads and releases what arrives until end of stream or until a read throws. */
  private static void readUntilItFails(Flow f) throws IOException {
    ByteBuf b;
    while ((b = f.read()) != null) {
      b.release();
    }
  }

  private ByteBuf track(ByteBuf b) {
    synchronized (written) {
      written.add(b);
    }
    return b;
  }

  /** Writes {@code data} in pieces of up to 64 KiB, heap and direct alternately. */
  private void writeAll(Flow f, byte[] data) throws IOException {
    int piece = 0;
    for (int off = 0; off < data.length; off += 65_536, piece++) {
      int len = Math.min(65_536, data.length - off);
      ByteBuf b = piece % 2 == 0 ? Unpooled.buffer(len) : Unpooled.directBuffer(len);
      b.writeBytes(data, off, len);
      f.write(track(b));
    }
  }

  /** Bytes read until end of stream: their count and SHA-256. */
  protected record Received(long length, byte[] sha256) {}

  private static Received readToEnd(Flow f) throws IOException {
    MessageDigest md = sha256();
    long length = 0;
    ByteBuf b;
    while ((b = f.read()) != null) {
      try {
        length += b.readableBytes();
        md.update(b.nioBuffer());
      } finally {
        b.release();
      }
    }
    return new Received(length, md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** {@code length} pseudo-random bytes (xorshift) from {@code seed}. */
  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    int x = seed * 0x9e3779b9 + 1;
    for (int i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[i] = (byte) x;
    }
    return b;
  }
}
