package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.ip.IpLayer;
import io.morgana.net.tcpip.ip.Transport;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Two {@link TcpLayer}s, 192.0.2.2 ({@link #a}) and 192.0.2.3 ({@link #b}), joined by an
 * in-memory IP link that delivers every segment in order, on a virtual clock that only moves when
 * the test says. The test thread is the loop: it calls the layers' loop-side methods directly,
 * which makes hundreds of thousands of connections cheap enough for CI. Buffers come from a
 * {@link CountingAllocator}, so that a test can assert how many the connections hold.
 */
final class TcpPair implements AutoCloseable {

  static final int A = 0xc000_0202;
  static final int B = 0xc000_0203;

  final AddressCache cache = new AddressCache();
  final CountingAllocator alloc = new CountingAllocator();
  final Link linkA = new Link(A);
  final Link linkB = new Link(B);
  final TcpLayer a;
  final TcpLayer b;
  long now = 1_000_000_000L;
  private final ArrayDeque<Object> wire = new ArrayDeque<>();
  private final Ipv4Packet header = new Ipv4Packet();
  private final ByteBuf headerBytes = Unpooled.buffer(20);

  TcpPair(TcpSettings settingsA, TcpSettings settingsB) {
    linkA.peer = linkB;
    linkB.peer = linkA;
    a = new TcpLayer(linkA, cache, alloc, settingsA);
    b = new TcpLayer(linkB, cache, alloc, settingsB);
    linkA.register(a);
    linkB.register(b);
    headerBytes.writeZero(20).setByte(0, 0x45);
  }

  /** Delivers every segment in flight, and those they cause, at the current time; fires due timers. */
  void run() {
    while (true) {
      a.poll(now);
      b.poll(now);
      if (wire.isEmpty()) {
        return;
      }
      while (!wire.isEmpty()) {
        Link to = (Link) wire.poll();
        ByteBuf segment = (ByteBuf) wire.poll();
        headerBytes.setInt(Ipv4Packet.SOURCE_OFFSET, to.peer.address);
        headerBytes.setInt(Ipv4Packet.DESTINATION_OFFSET, to.address);
        header.wrap(headerBytes, 0, 20);
        try {
          to.transport.receive(header, segment, 0, now);
        } finally {
          segment.release();
        }
      }
    }
  }

  /** Moves the clock forward by {@code d}, stopping at each deadline on the way. */
  void advance(Duration d) {
    long target = now + d.toNanos();
    run();
    while (Math.min(a.nextDeadlineNanos(), b.nextDeadlineNanos()) <= target) {
      now = Math.max(now, Math.min(a.nextDeadlineNanos(), b.nextDeadlineNanos()));
      run();
    }
    now = target;
    run();
  }

  /** Connects {@code from} to {@code port} of the other side and runs the handshake; the connection, or the failure. */
  CompletableFuture<TcpConnection> connect(TcpLayer from, int port) {
    CompletableFuture<TcpConnection> f = new CompletableFuture<>();
    int to = from == a ? B : A;
    from.connect(new Endpoint(cache.ipv4(to), port), Duration.ofSeconds(10).toNanos(), f, now);
    run();
    return f;
  }

  /** The next connection of {@code l}, which must be there. */
  static TcpConnection accept(TcpLayer.Listener l) {
    CompletableFuture<TcpConnection> f = new CompletableFuture<>();
    l.accept(f);
    assertTrue(f.isDone(), "a connection waits to be accepted");
    return f.join();
  }

  /** Writes {@code data} on {@code c} (it must fit in the send buffer) and delivers it. */
  void write(TcpConnection c, byte[] data) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    c.write(Unpooled.wrappedBuffer(data), f, now);
    run();
    assertTrue(f.isDone(), "the write was queued");
    f.join();
  }

  /** Everything {@code c} received so far (empty if nothing), the buffer released. */
  byte[] read(TcpConnection c) {
    if (c.readable() == 0) {
      return new byte[0];
    }
    CompletableFuture<ByteBuf> f = new CompletableFuture<>();
    c.read(f, now);
    ByteBuf buf = f.join();
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    buf.release();
    run();
    return out;
  }

  void close(TcpConnection c) {
    c.close(now);
    run();
  }

  @Override
  public void close() {
    a.close();
    b.close();
    run();
    while (!wire.isEmpty()) {
      wire.poll();
      ((ByteBuf) wire.poll()).release();
    }
    headerBytes.release();
  }

  /** One side's IP layer: sends onto the shared wire, towards the other side. */
  final class Link implements IpLayer {
    final int address;
    Link peer;
    Transport transport;

    Link(int address) {
      this.address = address;
    }

    @Override
    public int headroom() {
      return 0;
    }

    @Override
    public void register(Transport t) {
      transport = t;
    }

    @Override
    public Transport transport(int protocol) {
      return protocol == 6 ? transport : null;
    }

    @Override
    public boolean send(Ipv4Address destination, int protocol, ByteBuf payload, int flags, long time) {
      if (destination.toInt() != peer.address) {
        payload.release();
        return false;
      }
      wire.add(peer);
      wire.add(payload);
      return true;
    }

    @Override
    public boolean refusedAsLoopback(Ipv4Address destination, ByteBuf payload) {
      return false;
    }

    @Override
    public Ipv4Address sourceFor(Ipv4Address destination) {
      return cache.ipv4(address);
    }

    @Override
    public int mtu() {
      return 1_500;
    }

    @Override
    public boolean isOurUnicast(int a) {
      return a == address;
    }

    @Override
    public void reportError(int type, int code, int restOfHeader, Ipv4Packet original, int rxFlags, long time) {
    }
  }

  /**
   * Counts the buffers it made that are still alive (reference count above zero), without
   * remembering them: cheap for millions of segments. Heap buffers even when direct ones are
   * asked for: the layers only use the {@link ByteBuf} interface.
   */
  static final class CountingAllocator extends AbstractByteBufAllocator {
    private long live;
    private long made;

    CountingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      made++;
      live++;
      return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity) {
        @Override
        protected void deallocate() {
          super.deallocate();
          live--;
        }
      };
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    /** Buffers made and not yet released. */
    long live() {
      return live;
    }

    /** Buffers made in all. */
    long made() {
      return made;
    }
  }
}
