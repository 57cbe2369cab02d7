package io.morgana.net.socket;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Udp;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Udp} over the host's UDP sockets. {@link #listen} binds a {@link DatagramChannel} to the
 * stack's listen address and the port; its datagrams reach the handler on the kernel loop thread,
 * as the {@link Udp} contract requires: a receiver virtual thread per port queues them in a ring
 * ({@link UdpPort}) and wakes the loop, and this pollable drains the rings when polled. (The loop
 * polls descriptors, but a {@link DatagramChannel} does not reveal its descriptor through any
 * public API, so the receiver thread plus {@link EventLoop#wakeup()} is the crossing.)
 *
 * <p>{@link #write} sends from the channel of {@code sourcePort} when it is listened on, from one
 * shared channel on an ephemeral port (49152–65535, as the api says) for source port 0, and
 * otherwise from a channel bound to that port on first use. A datagram the host does not take at
 * once (full socket buffer), a payload above {@link Udp#MAX_PAYLOAD} and a port outside 0–65535
 * are dropped and counted, and {@code write} returns {@code false}, as net-tcpip's does.
 */
final class SocketUdp implements Udp, Pollable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SocketUdp.class);

  /** How long {@link #close()} waits for a receiver whose channel it closed to end. */
  private static final long RECEIVER_EXIT_MILLIS = 5_000;

  /** Source port 0 sends from a port in this range (the api's, RFC 6335's dynamic ports). */
  static final int EPHEMERAL_FIRST = 49_152;

  static final int EPHEMERAL_LAST = 65_535;

  private final SocketStack stack;
  private final EventLoop loop;
  private final ByteBufAllocator alloc;
  /** Listened ports; changed on the loop thread, read by writers on any thread. */
  private final Map<Integer, UdpPort> ports = new ConcurrentHashMap<>();
  /** Ports unlistened whose receivers or rings are not finished yet (loop only). */
  private final List<UdpPort> closing = new ArrayList<>();
  /** Send-only channels by source port (0: the ephemeral one). */
  private final Map<Integer, DatagramChannel> senders = new ConcurrentHashMap<>();
  private final AtomicLong drops = new AtomicLong();
  private final Runnable wakeup;
  private volatile EventLoop.Cancellable registration;
  private volatile boolean closed;

  SocketUdp(SocketStack stack, EventLoop loop, ByteBufAllocator alloc) {
    this.stack = stack;
    this.loop = loop;
    this.alloc = alloc;
    this.wakeup = loop::wakeup;
  }

  @Override
  public void listen(int port, UdpHandler handler) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("UDP port must be 1..65535, got " + port);
    }
    if (ports.containsKey(port)) {
      throw new IllegalStateException("UDP port " + port + " already has a handler");
    }
    DatagramChannel ch = null;
    try {
      DatagramChannel sender = senders.remove(port);
      if (sender != null) {
        sender.close();
      }
      ch = DatagramChannel.open(StandardProtocolFamily.INET);
      ch.bind(new InetSocketAddress(SocketAddresses.inet(stack.listenAddress()), port));
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // nothing was bound
        }
      }
      throw new IllegalStateException(
          "UDP port " + port + " cannot be bound on host " + stack.listenAddress() + ": " + e.getMessage(), e);
    }
    if (registration == null) {
      registration = loop.register(this);
    }
    UdpPort p = new UdpPort(port, ch, handler, alloc, wakeup, this);
    ports.put(port, p);
    p.start();
  }

  @Override
  public void unlisten(int port) {
    UdpPort p = ports.remove(port);
    if (p != null) {
      p.close();
      closing.add(p);
    }
  }

  @Override
  public boolean write(Ipv4Address destination, int destinationPort, int sourcePort, ByteBuf payload) {
    try {
      if (closed) {
        drops.incrementAndGet();
        return false;
      }
      if (payload.readableBytes() > MAX_PAYLOAD
          || (destinationPort & ~0xffff) != 0 || (sourcePort & ~0xffff) != 0) {
        drops.incrementAndGet();
        LOG.debug("UDP datagram of {} bytes from port {} to {}:{} refused", payload.readableBytes(), sourcePort,
            destination, destinationPort);
        return false;
      }
      DatagramChannel ch = channelFor(sourcePort);
      InetSocketAddress to = new InetSocketAddress(SocketAddresses.inet(destination), destinationPort);
      int length = payload.readableBytes();
      ByteBuffer data = payload.nioBufferCount() == 1
          ? payload.nioBuffer()
          : ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(payload));
      int sent = ch.send(data, to);
      if (sent != length) {
        drops.incrementAndGet();
        return false;
      }
      return true;
    } catch (IOException e) {
      drops.incrementAndGet();
      LOG.debug("UDP datagram to {}:{} not sent: {}", destination, destinationPort, e.toString());
      return false;
    } finally {
      payload.release();
    }
  }

  private DatagramChannel channelFor(int sourcePort) throws IOException {
    UdpPort p = ports.get(sourcePort);
    if (p != null) {
      return p.channel;
    }
    DatagramChannel ch = senders.get(sourcePort);
    if (ch != null) {
      return ch;
    }
    synchronized (senders) {
      ch = senders.get(sourcePort);
      if (ch == null) {
        ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
          ch.configureBlocking(false);
          if (sourcePort == 0) {
            bindEphemeral(ch);
          } else {
            ch.bind(new InetSocketAddress(SocketAddresses.inet(stack.listenAddress()), sourcePort));
          }
        } catch (IOException e) {
          ch.close();
          throw e;
        }
        senders.put(sourcePort, ch);
      }
      return ch;
    }
  }

  /**
   * Binds {@code ch} to a free port in {@value #EPHEMERAL_FIRST}–{@value #EPHEMERAL_LAST}, as the
   * api promises for source port 0 (the host's own ephemeral range, Linux's 32768–60999, is
   * another).
   */
  private void bindEphemeral(DatagramChannel ch) throws IOException {
    int span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(span);
    java.net.BindException last = null;
    for (int i = 0; i < span; i++) {
      int port = EPHEMERAL_FIRST + (start + i) % span;
      try {
        ch.bind(new InetSocketAddress(SocketAddresses.inet(stack.listenAddress()), port));
        return;
      } catch (java.net.BindException e) {
        last = e;
      }
    }
    throw new java.net.BindException("no free UDP port in " + EPHEMERAL_FIRST + "-" + EPHEMERAL_LAST
        + (last == null ? "" : ": " + last.getMessage()));
  }

  @Override
  public boolean poll(long nowNanos) {
    boolean worked = false;
    Ipv4Address destination = stack.listenAddress();
    for (UdpPort p : ports.values()) {
      worked |= p.drain(destination) > 0;
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      UdpPort p = closing.get(i);
      p.drain(destination);
      if (p.finished()) {
        closing.remove(i);
      }
    }
    return worked;
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }

  /** Datagrams dropped: ring full, oversized, host refused to send, or sent after shutdown. */
  long drops() {
    return drops.get();
  }

  void countDrop() {
    drops.incrementAndGet();
  }

  void handlerFailed(int port, RuntimeException e) {
    LOG.warn("UDP handler of port {} failed", port, e);
  }

  /** Closes every channel; buffers still queued are released as the receivers end. */
  @Override
  public void close() {
    closed = true;
    for (UdpPort p : ports.values()) {
      p.close();
    }
    for (DatagramChannel ch : senders.values()) {
      try {
        ch.close();
      } catch (IOException e) {
        // gone either way
      }
    }
    senders.clear();
    EventLoop.Cancellable r = registration;
    if (r != null) {
      r.cancel();
    }
    // The loop has stopped (shutdown order): once the receivers have ended (their channels are
    // closed, so at once), release what is still queued here.
    for (UdpPort p : ports.values()) {
      p.awaitReceiver(RECEIVER_EXIT_MILLIS);
      p.drain(stack.listenAddress());
    }
    for (UdpPort p : closing) {
      p.awaitReceiver(RECEIVER_EXIT_MILLIS);
      p.drain(stack.listenAddress());
    }
  }
}
