package io.morgana.testkit;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.runtime.Clock;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link Netif} wrapper that records every frame it sends and receives to a libpcap file
 * (smoltcp's {@code phy/pcap_writer.rs}), for {@code tcpdump -r} or Wireshark.
 *
 * <p>File format (the classic libpcap format, little-endian): a 24-byte global header — magic
 * {@code 0xa1b2c3d4} (microsecond timestamps), version 2.4, time zone 0, accuracy 0, snap length
 * {@value #SNAPLEN}, link type {@value #LINKTYPE_ETHERNET} (LINKTYPE_ETHERNET) — then per frame a
 * 16-byte record header (seconds, microseconds, captured length, original length) and the frame
 * bytes, cut at the snap length.
 *
 * <p><b>Timestamps:</b> {@link #PcapNetif(Netif, Path)} stamps frames with wall-clock time: the
 * time of day when the file was opened plus the monotonic time elapsed since ({@link
 * Clock#SYSTEM}). {@link #PcapNetif(Netif, Path, Clock)} stamps them with the given clock's
 * reading taken as nanoseconds since the Unix epoch — give it a test's {@link FakeClock} (or a
 * loop's {@code nowNanos}) and the same run writes the same bytes.
 *
 * <p>A frame is recorded when it is written (before the inner interface sees it, whether it then
 * accepts it or not) and when it is received (before the handler sees it; also when no handler is
 * set). Records are buffered and reach the file when the buffer fills, on {@link #flush()} and on
 * {@link #close()}. Writing allocates nothing per frame. An I/O error while recording is thrown as
 * {@link UncheckedIOException} from {@link #flush()} or {@link #close()} and stops recording; the
 * traffic itself is not disturbed. Thread-safe.
 *
 * <p><b>Offloads</b> are the inner interface's, and transmit metadata ({@link #write(ByteBuf, int,
 * int)}) passes through: a super-segment is recorded as the one frame the stack sent, above the
 * MTU, and a partial checksum as the pseudo-header sum it holds — as {@code tcpdump} on a Linux
 * interface with TSO shows them (Wireshark flags the checksum "partial").
 */
public final class PcapNetif implements Netif {

  /** The pcap magic number for microsecond timestamps. */
  public static final int MAGIC = 0xa1b2c3d4;

  /** Largest number of bytes recorded per frame. */
  public static final int SNAPLEN = 65535;

  /** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet frames (tcpdump.org link-layer header types). */
  public static final int LINKTYPE_ETHERNET = 1;

  private static final int GLOBAL_HEADER = 24;
  private static final int RECORD_HEADER = 16;

  private final Netif inner;
  private final Path file;
  private final Clock clock;
  private final long epochOffsetNanos;
  private final FileChannel channel;
  private final ByteBuffer buffer =
      ByteBuffer.allocateDirect(4 * (SNAPLEN + RECORD_HEADER)).order(ByteOrder.LITTLE_ENDIAN);
  private volatile FrameHandler handler;
  private volatile long unhandledFrames;
  private volatile long unhandledBytes;
  private boolean closed;
  private IOException failure;
  private long records;

  /** Records {@code inner}'s traffic to {@code file} (created or truncated), stamped with wall-clock time. */
  public PcapNetif(Netif inner, Path file) {
    this(inner, file, Clock.SYSTEM,
        System.currentTimeMillis() * 1_000_000L - Clock.SYSTEM.nanoTime());
  }

  /**
   * Records {@code inner}'s traffic to {@code file} (created or truncated), stamped with {@code
   * clock}'s reading as nanoseconds since the Unix epoch.
   */
  public PcapNetif(Netif inner, Path file, Clock clock) {
    this(inner, file, clock, 0);
  }

  private PcapNetif(Netif inner, Path file, Clock clock, long epochOffsetNanos) {
    this.inner = inner;
    this.file = file;
    this.clock = clock;
    this.epochOffsetNanos = epochOffsetNanos;
    try {
      this.channel = FileChannel.open(file,
          StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create pcap file " + file, e);
    }
    buffer.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
        .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
    inner.listen(this::onFrame);
  }

  /** The file being written. */
  public Path file() {
    return file;
  }

  /** The wrapped interface. */
  public Netif inner() {
    return inner;
  }

  /** Frames recorded so far (both directions). */
  public synchronized long recordedFrames() {
    return records;
  }

  @Override
  public MacAddress mac() {
    return inner.mac();
  }

  @Override
  public int mtu() {
    return inner.mtu();
  }

  @Override
  public Offloads offloads() {
    return inner.offloads();
  }

  /** The inner interface's counters, with frames that arrived while no handler was set as drops. */
  @Override
  public NetifStats stats() {
    NetifStats in = inner.stats();
    long frames = unhandledFrames;
    long bytes = unhandledBytes;
    return new NetifStats(in.rxFrames() - frames, in.rxBytes() - bytes, in.rxDropped() + frames,
        in.txFrames(), in.txBytes(), in.txDropped());
  }

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public boolean write(ByteBuf frame) {
    record(frame);
    return inner.write(frame);
  }

  @Override
  public boolean write(ByteBuf frame, int txFlags, int segmentBytes) {
    record(frame);
    return inner.write(frame, txFlags, segmentBytes);
  }

  /**
   * Writes buffered records to the file.
   *
   * @throws UncheckedIOException if recording failed
   */
  public synchronized void flush() {
    if (failure == null && !closed) {
      drain();
    }
    if (failure != null) {
      throw new UncheckedIOException("pcap recording to " + file + " failed", failure);
    }
  }

  /**
   * Closes the inner interface, then writes what is buffered and closes the file. Idempotent.
   *
   * @throws UncheckedIOException if recording failed
   */
  @Override
  public void close() {
    inner.close();
    synchronized (this) {
      if (closed) {
        return;
      }
      if (failure == null) {
        drain();
      }
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
      }
      if (failure != null) {
        throw new UncheckedIOException("pcap recording to " + file + " failed", failure);
      }
    }
  }

  @Override
  public String toString() {
    return "PcapNetif[" + inner + " -> " + file + "]";
  }

  private void onFrame(ByteBuf frame, long arrivalNanos, int flags) {
    record(frame);
    FrameHandler h = handler;
    if (h != null) {
      h.onFrame(frame, arrivalNanos, flags);
    } else {
      unhandledBytes += frame.readableBytes();
      unhandledFrames++;
    }
  }

  private synchronized void record(ByteBuf frame) {
    if (closed || failure != null) {
      return;
    }
    int len = frame.readableBytes();
    int caplen = Math.min(len, SNAPLEN);
    if (buffer.remaining() < RECORD_HEADER + caplen) {
      drain();
      if (failure != null) {
        return;
      }
    }
    long nanos = clock.nanoTime() + epochOffsetNanos;
    long seconds = Math.floorDiv(nanos, 1_000_000_000L);
    long micros = Math.floorMod(nanos, 1_000_000_000L) / 1_000;
    buffer.putInt((int) seconds).putInt((int) micros).putInt(caplen).putInt(len);
    buffer.limit(buffer.position() + caplen);
    frame.getBytes(frame.readerIndex(), buffer);
    buffer.limit(buffer.capacity());
    records++;
  }

  /** Writes the buffer to the file; remembers the first failure. */
  private void drain() {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      failure = e;
    } finally {
      buffer.clear();
    }
  }
}
