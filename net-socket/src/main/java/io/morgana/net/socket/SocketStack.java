package io.morgana.net.socket;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The socket stack of one kernel: {@link Tcp} and {@link Udp} over the host's sockets, bound to
 * one listen address ({@code --listen}). It keeps every listener and flow it opened so that
 * {@link #close()} (the kernel's shutdown) releases their descriptors.
 */
public final class SocketStack implements AutoCloseable {

  private final Ipv4Address listenAddress;
  private final ByteBufAllocator alloc;
  private final SocketTcp tcp;
  private final SocketUdp udp;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

  /**
   * A stack listening on {@code listenAddress}, delivering UDP datagrams on {@code loop}.
   *
   * @param listenAddress where listeners and UDP ports bind (connections go anywhere)
   */
  public SocketStack(Ipv4Address listenAddress, EventLoop loop) {
    this(listenAddress, loop, PooledByteBufAllocator.DEFAULT);
  }

  /** As above, allocating received data from {@code alloc} (tests count the buffers). */
  SocketStack(Ipv4Address listenAddress, EventLoop loop, ByteBufAllocator alloc) {
    this.listenAddress = listenAddress;
    this.alloc = alloc;
    this.tcp = new SocketTcp(this);
    this.udp = new SocketUdp(this, loop, alloc);
  }

  /** The address listeners and UDP ports bind to. */
  public Ipv4Address listenAddress() {
    return listenAddress;
  }

  /** TCP over host sockets. */
  public Tcp tcp() {
    return tcp;
  }

  /** UDP over host sockets; handlers run on the loop thread. */
  public Udp udp() {
    return udp;
  }

  /** UDP datagrams dropped (a full receive ring, a send the host refused). */
  public long udpDrops() {
    return udp.drops();
  }

  ByteBufAllocator allocator() {
    return alloc;
  }

  <T extends AutoCloseable> T track(T resource) {
    open.add(resource);
    return resource;
  }

  void forget(AutoCloseable resource) {
    open.remove(resource);
  }

  /** Closes every listener and flow still open and every UDP socket. */
  @Override
  public void close() {
    for (AutoCloseable c : open) {
      try {
        if (c instanceof SocketFlow f) {
          f.release();
        } else {
          c.close();
        }
      } catch (Exception e) {
        // closing anyway
      }
    }
    open.clear();
    udp.close();
  }
}
