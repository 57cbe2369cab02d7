package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Offloads;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.ip.IpLayer;
import io.morgana.net.tcpip.ip.Transport;
import io.morgana.net.tcpip.wire.Checksum;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.morgana.net.tcpip.wire.TcpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayDeque;

/**
 * A scripted-segment harness in the spirit of packetdrill: one {@link TcpLayer} over an IP layer
 * that records what it sends; the script injects segments from a peer at given (fake) times and
 * asserts, segment by segment, what the layer emits. The peer is 192.0.2.1, we are 192.0.2.2.
 */
final class TcpScript implements AutoCloseable {

  static final int US = 0xc000_0202;
  static final int PEER = 0xc000_0201;
  static final long MS = 1_000_000L;

  final AddressCache cache = new AddressCache();
  final RecordingIp ip = new RecordingIp();
  final TcpLayer tcp;
  long now = 1_000 * MS;

  TcpScript() {
    this(TcpSettings.DEFAULTS.withSecret(42));
  }

  TcpScript(TcpSettings settings) {
    tcp = new TcpLayer(ip, cache, UnpooledByteBufAllocator.DEFAULT, settings);
    ip.register(tcp);
  }

  /** Moves the clock to {@code millis} after the start and fires due timers. */
  TcpScript at(long millis) {
    now = 1_000 * MS + millis * MS;
    tcp.poll(now);
    return this;
  }

  /** Moves the clock forward by {@code millis}, firing the timers due on the way in order. */
  TcpScript after(long millis) {
    long target = now + millis * MS;
    while (tcp.nextDeadlineNanos() <= target) {
      now = Math.max(now, tcp.nextDeadlineNanos());
      tcp.poll(now);
    }
    now = target;
    tcp.poll(now);
    return this;
  }

  /** A segment from the peer's {@code port} to our {@code ourPort}. */
  static Seg seg(int flags, int port, int ourPort) {
    return new Seg(flags, port, ourPort);
  }

  /**
   * Injects one segment as a receive batch of its own (a network interface pass that delivered
   * one frame): what the layer holds to the end of the batch is sent before this returns.
   */
  void inject(Seg s) {
    deliver(s);
    endBatch();
  }

  /** Injects {@code segs} as one receive batch: delivered one after the other, then the batch ends. */
  void injectBatch(Seg... segs) {
    for (Seg s : segs) {
      deliver(s);
    }
    endBatch();
  }

  /** Ends the current receive batch, as the stack's poll after an interface's pass does. */
  void endBatch() {
    tcp.endOfBatch(now);
  }

  /** Delivers one segment within the current receive batch, which goes on until {@link #endBatch}. */
  void deliver(Seg s) {
    ByteBuf b = s.encode(PEER, s.destination);
    ByteBuf h = Unpooled.buffer(20);
    h.writeZero(20);
    h.setByte(0, 0x45);
    h.setInt(Ipv4Packet.SOURCE_OFFSET, PEER);
    h.setInt(Ipv4Packet.DESTINATION_OFFSET, s.destination);
    Ipv4Packet header = new Ipv4Packet().wrap(h, 0, 20);
    try {
      tcp.receive(header, b, 0, now);
    } finally {
      b.release();
    }
  }

  /** The next segment we sent. */
  Out expect() {
    Out o = ip.sent.poll();
    assertNotNull(o, "expected a segment at t=" + (now / MS - 1000) + " ms, none was sent");
    return o;
  }

  void expectNothing() {
    Out o = ip.sent.poll();
    if (o != null) {
      fail("expected no segment at t=" + (now / MS - 1000) + " ms, got " + o);
    }
  }

  /** Opens a connection from the peer's {@code port} to our listening {@code ourPort}: SYN, SYN-ACK, ACK. */
  TcpConnection acceptFrom(int port, int ourPort, int peerIss, TcpOptions synOptions) throws Exception {
    TcpLayer.Listener l = listener(ourPort);
    java.util.concurrent.CompletableFuture<TcpConnection> accepted = new java.util.concurrent.CompletableFuture<>();
    l.accept(accepted);
    inject(seg(TcpPacket.SYN, port, ourPort).seq(peerIss).win(65_535).options(synOptions));
    Out synAck = expect();
    assertEquals(TcpPacket.SYN | TcpPacket.ACK, synAck.flags, synAck.toString());
    inject(seg(TcpPacket.ACK, port, ourPort).seq(peerIss + 1).ack(synAck.seq + 1).win(65_535)
        .ts(synOptions != null && synOptions.hasTimestamps(),
            synOptions == null ? 0 : synOptions.timestampValue() + 1, synAck.options.timestampValue()));
    assertTrue(accepted.isDone(), "accepted after the handshake");
    return accepted.get();
  }

  private final java.util.Map<Integer, TcpLayer.Listener> listeners = new java.util.HashMap<>();

  TcpLayer.Listener listener(int port) throws Exception {
    TcpLayer.Listener l = listeners.get(port);
    if (l == null) {
      l = tcp.listen(port);
      listeners.put(port, l);
    }
    return l;
  }

  @Override
  public void close() {
    tcp.close();
    Out o;
    while ((o = ip.sent.poll()) != null) {
      // drop
    }
  }

  /** A segment to inject. */
  static final class Seg {
    final int flags;
    final int port;
    final int ourPort;
    int seq;
    int ack;
    int window = 65_535;
    byte[] data = new byte[0];
    TcpOptions options;
    int destination = US;
    boolean badChecksum;

    Seg(int flags, int port, int ourPort) {
      this.flags = flags;
      this.port = port;
      this.ourPort = ourPort;
    }

    Seg seq(int v) {
      seq = v;
      return this;
    }

    Seg ack(int v) {
      ack = v;
      return this;
    }

    Seg win(int v) {
      window = v;
      return this;
    }

    Seg data(byte[] d) {
      data = d;
      return this;
    }

    Seg options(TcpOptions o) {
      options = o;
      return this;
    }

    Seg ts(boolean on, int value, int echo) {
      if (on) {
        options = new TcpOptions().timestamps(value, echo);
      }
      return this;
    }

    Seg to(int address) {
      destination = address;
      return this;
    }

    Seg corrupt() {
      badChecksum = true;
      return this;
    }

    ByteBuf encode(int src, int dst) {
      int optLen = options == null ? 0 : options.length();
      int hl = 20 + optLen;
      ByteBuf b = Unpooled.buffer(hl + data.length);
      b.writerIndex(hl + data.length);
      if (optLen > 0) {
        options.write(b, 20);
      }
      b.setBytes(hl, data);
      TcpPacket.emitHeader(b, 0, port, ourPort, seq, ack, hl, flags, window, 0, hl + data.length, src, dst);
      if (badChecksum) {
        b.setShort(TcpPacket.CHECKSUM_OFFSET, b.getUnsignedShort(TcpPacket.CHECKSUM_OFFSET) ^ 0x5555);
      }
      return b;
    }
  }

  /** A segment we sent, parsed. */
  static final class Out {
    int sourcePort;
    int destinationPort;
    int seq;
    int ack;
    int flags;
    int window;
    byte[] data;
    /** The {@link Tx} metadata it went down with. */
    int tx;
    final TcpOptions options = new TcpOptions();

    boolean has(int flag) {
      return (flags & flag) != 0;
    }

    @Override
    public String toString() {
      StringBuilder f = new StringBuilder();
      String[] names = {"F", "S", "R", "P", "."};
      for (int i = 0; i < names.length; i++) {
        if ((flags & (1 << i)) != 0) {
          f.append(names[i]);
        }
      }
      return sourcePort + ">" + destinationPort + " [" + f + "] seq " + Integer.toUnsignedString(seq) + " ack "
          + Integer.toUnsignedString(ack) + " win " + window + " len " + data.length + " " + options;
    }
  }

  /**
   * An IP layer that records what TCP sends (checksums verified: complete, or partial — the
   * pseudo-header sum — when it says so) and releases it, over a device with {@link #offloads}.
   */
  final class RecordingIp implements IpLayer {
    final ArrayDeque<Out> sent = new ArrayDeque<>();
    /** The IP MTU; set before a connection opens to change its MSS. */
    int mtu = 1_480;
    Offloads offloads = Offloads.NONE;
    private Transport transport;

    @Override
    public Offloads offloads() {
      return offloads;
    }

    @Override
    public int headroom() {
      return 34;
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
      return send(destination, protocol, payload, flags, 0, time);
    }

    @Override
    public boolean send(Ipv4Address destination, int protocol, ByteBuf payload, int flags, int tx, long time) {
      try {
        assertEquals(6, protocol);
        TcpPacket p = new TcpPacket().wrap(payload, payload.readerIndex(), payload.readableBytes()).check();
        if ((Tx.flags(tx) & Tx.CHECKSUM_PARTIAL) != 0) {
          int length = payload.readableBytes();
          assertEquals(Checksum.fold(Checksum.pseudoHeader(US, destination.toInt(), 6, length)),
              payload.getUnsignedShort(payload.readerIndex() + 16), "a partial checksum is the pseudo-header sum");
        } else {
          p.verifyChecksum(US, destination.toInt());
        }
        Out o = new Out();
        o.tx = tx;
        o.sourcePort = p.sourcePort();
        o.destinationPort = p.destinationPort();
        o.seq = p.sequence();
        o.ack = p.acknowledgment();
        o.flags = p.flags();
        o.window = p.window();
        o.data = ByteBufUtil.getBytes(payload, p.payloadOffset(), p.payloadLength());
        o.options.parse(p);
        sent.add(o);
        return true;
      } catch (MalformedPacketException e) {
        throw new AssertionError("we sent a malformed segment", e);
      } finally {
        payload.release();
      }
    }

    @Override
    public boolean refusedAsLoopback(Ipv4Address destination, ByteBuf payload) {
      return false;
    }

    @Override
    public Ipv4Address sourceFor(Ipv4Address destination) {
      return cache.ipv4(US);
    }

    @Override
    public int mtu() {
      return mtu;
    }

    @Override
    public boolean isOurUnicast(int address) {
      return address == US;
    }

    @Override
    public void reportError(int type, int code, int restOfHeader, Ipv4Packet original, int rxFlags, long time) {}
  }
}
