package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** Fragments for {@link Reassembler} tests, and an allocator that remembers every buffer it made. */
final class FragmentKit {

  static final int DST = 0xc000_0202; // 192.0.2.2

  private FragmentKit() {}

  /** A validated-looking fragment (20-byte header, real checksum) of {@code data} at {@code offset}. */
  static Ipv4Packet fragment(int src, int protocol, int id, int offset, byte[] data, boolean more) {
    ByteBuf b = Unpooled.buffer(20 + data.length).writerIndex(20 + data.length);
    Ipv4Packet.emitHeader(b, 0, 0, 20 + data.length, id, (more ? Ipv4Packet.FLAG_MF : 0) | offset / 8, 64, protocol,
        src, DST);
    b.setBytes(20, data);
    return new Ipv4Packet().wrap(b, 0, b.capacity());
  }

  /** Adds {@code f} to {@code r} and releases its buffer; returns what {@link Reassembler#add} did. */
  static ByteBuf feed(Reassembler r, Ipv4Packet f, long now) {
    try {
      return r.add(f, false, now);
    } finally {
      f.buffer().release();
    }
  }

  /** Bytes {@code 0..length-1} of a pattern that differs per {@code seed}. */
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

  /** As the stack's own tests' {@code TrackingAllocator}: can say whether every buffer was released. */
  static final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> made = new ArrayList<>();

    TrackingAllocator() {
      super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
      made.add(b);
      return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
      made.add(b);
      return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    /** Buffers made and not yet released to zero. */
    long outstanding() {
      return made.stream().filter(b -> b.refCnt() > 0).count();
    }
  }
}
