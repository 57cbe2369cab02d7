package io.morgana.net.socket;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Udp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One UDP port bound on the host: a {@link DatagramChannel}, the virtual thread that receives on
 * it, and the single-producer single-consumer ring that carries each datagram to the kernel loop.
 * The receiver copies a datagram out of its one reusable direct buffer into a pooled buffer of
 * its size, records source address and port in the ring's parallel arrays and wakes the loop: per
 * datagram it allocates only that buffer. The loop ({@link #drain}) hands each to the handler and
 * releases it. A full ring drops the datagram and counts it, as a host's full socket buffer does.
 */
final class UdpPort {

  /** Datagrams queued for the loop per port. */
  static final int RING = 1024;

  final int port;
  final DatagramChannel channel;
  final Udp.UdpHandler handler;
  private final ByteBufAllocator alloc;
  private final Runnable wakeup;
  private final SocketUdp udp;

  private final ByteBuf[] payloads = new ByteBuf[RING];
  private final int[] sources = new int[RING];
  private final int[] sourcePorts = new int[RING];
  /** Next slot the receiver fills; written by the receiver only. */
  private final AtomicLong produced = new AtomicLong();
  /** Next slot the loop takes; written by the loop only. */
  private final AtomicLong consumed = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean receiverDone;
  private volatile Thread receiver;

  /** Last source handed to the handler, reused while datagrams keep coming from one host (loop only). */
  private Ipv4Address lastSource = Ipv4Address.ANY;

  UdpPort(int port, DatagramChannel channel, Udp.UdpHandler handler, ByteBufAllocator alloc, Runnable wakeup,
      SocketUdp udp) {
    this.port = port;
    this.channel = channel;
    this.handler = handler;
    this.alloc = alloc;
    this.wakeup = wakeup;
    this.udp = udp;
  }

  void start() {
    receiver = Thread.ofVirtual().name("morgana-udp-receiver " + port).start(this::receive);
  }

  /**
   * After {@link #close()}: waits (at most {@code millis}) for the receiver to end, so that no
   * datagram is queued after a final {@link #drain}.
   */
  void awaitReceiver(long millis) {
    Thread r = receiver;
    if (r == null) {
      return;
    }
    try {
      r.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void receive() {
    ByteBuffer scratch = ByteBuffer.allocateDirect(Udp.MAX_PAYLOAD + 1);
    try {
      while (!closed) {
        scratch.clear();
        InetSocketAddress from = (InetSocketAddress) channel.receive(scratch);
        if (from == null) {
          continue;
        }
        scratch.flip();
        long p = produced.get();
        if (p - consumed.get() >= RING || scratch.remaining() > Udp.MAX_PAYLOAD) {
          udp.countDrop();
          continue;
        }
        ByteBuf buf = alloc.directBuffer(scratch.remaining());
        buf.writeBytes(scratch);
        int slot = (int) (p % RING);
        payloads[slot] = buf;
        sources[slot] = SocketAddresses.bits(from.getAddress());
        sourcePorts[slot] = from.getPort();
        produced.lazySet(p + 1);
        wakeup.run();
      }
    } catch (IOException e) {
      // closed by unlisten or shutdown (AsynchronousCloseException), or the host failed the socket
    } finally {
      receiverDone = true;
      wakeup.run();
    }
  }

  /** Loop thread: hands every queued datagram to the handler (unless closing); returns how many. */
  int drain(Ipv4Address destination) {
    int n = 0;
    long c = consumed.get();
    long p = produced.get();
    for (; c < p; c++, n++) {
      int slot = (int) (c % RING);
      ByteBuf buf = payloads[slot];
      payloads[slot] = null;
      try {
        if (!closed) {
          int bits = sources[slot];
          if (lastSource.toInt() != bits) {
            lastSource = Ipv4Address.of(bits);
          }
          handler.onDatagram(lastSource, sourcePorts[slot], destination, port, buf);
        }
      } catch (RuntimeException e) {
        udp.handlerFailed(port, e);
      } finally {
        buf.release();
        consumed.lazySet(c + 1);
      }
    }
    return n;
  }

  /** Stops receiving; the loop keeps draining (and releasing) until {@link #finished()}. */
  void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // the descriptor is gone either way
    }
  }

  /** Whether the receiver has ended and every queued buffer was released. */
  boolean finished() {
    return receiverDone && consumed.get() == produced.get();
  }
}
