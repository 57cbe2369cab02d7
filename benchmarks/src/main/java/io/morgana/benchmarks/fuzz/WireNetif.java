package io.morgana.benchmarks.fuzz;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.benchmarks.net.SyncLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayDeque;

/**
 * An in-memory {@link Netif} delivering frames as {@code TapNetif} does: each received frame is
 * copied into one pooled direct buffer that the handler borrows (a new one is taken if the
 * handler retained it). Written frames are copied out into {@link #written} while {@link #keep}
 * is set, otherwise only counted, and always released.
 */
final class WireNetif implements Netif {

  private static final int MAX_FRAME = 65_535 + 14;

  private final MacAddress mac;
  private final SyncLoop loop;
  private FrameHandler handler = (frame, arrivalNanos, flags) -> {};
  private ByteBuf rx = newBuffer();
  final ArrayDeque<byte[]> written = new ArrayDeque<>();
  boolean keep = true;
  long rxFrames;
  long rxRetained;
  long txFrames;
  long txBytes;

  WireNetif(MacAddress mac, SyncLoop loop) {
    this.mac = mac;
    this.loop = loop;
  }

  private static ByteBuf newBuffer() {
    return PooledByteBufAllocator.DEFAULT.directBuffer(MAX_FRAME, MAX_FRAME);
  }

  /** Delivers {@code frame} (at most 65,549 bytes) as one received frame. */
  void inject(byte[] frame) {
    ByteBuf b = rx;
    b.setBytes(0, frame);
    b.setIndex(0, frame.length);
    rxFrames++;
    try {
      handler.onFrame(b, loop.nowNanos(), 0);
    } finally {
      if (b.refCnt() != 1) {
        rxRetained++;
        if (b.refCnt() > 0) {
          b.release();
        }
        rx = newBuffer();
      }
    }
  }

  @Override
  public MacAddress mac() {
    return mac;
  }

  @Override
  public int mtu() {
    return 1500;
  }

  @Override
  public Offloads offloads() {
    return Offloads.NONE;
  }

  @Override
  public NetifStats stats() {
    return new NetifStats(rxFrames, 0, 0, txFrames, txBytes, 0);
  }

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public boolean write(ByteBuf frame) {
    try {
      txFrames++;
      txBytes += frame.readableBytes();
      if (keep) {
        byte[] copy = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), copy);
        written.add(copy);
      }
      return true;
    } finally {
      frame.release();
    }
  }

  @Override
  public void close() {
    if (rx.refCnt() > 0) {
      rx.release();
    }
  }
}
