package io.morgana.sim;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pcap capture (the classic libpcap format, nanosecond timestamps: magic {@code 0xa1b23c4d},
 * link type Ethernet) kept in memory: a simulation records a capture per link and writes them out
 * only when asked ({@link #writeTo}). Timestamps are simulation time, so the same seed gives the
 * same bytes.
 */
public final class PcapRecorder {

  /** Magic of a pcap file with nanosecond timestamps. */
  public static final int MAGIC_NANOS = 0xa1b23c4d;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
  private long frames;

  public PcapRecorder() {
    ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
    out.write(h.array(), 0, 24);
  }

  /** Records {@code frame}'s readable bytes (not consumed) at simulation time {@code nanos}. */
  public void record(long nanos, ByteBuf frame) {
    int len = frame.readableBytes();
    header.clear();
    header.putInt((int) (nanos / 1_000_000_000L)).putInt((int) (nanos % 1_000_000_000L)).putInt(len).putInt(len);
    out.write(header.array(), 0, 16);
    byte[] bytes = new byte[len];
    frame.getBytes(frame.readerIndex(), bytes);
    out.write(bytes, 0, len);
    frames++;
  }

  /** Frames recorded. */
  public long frames() {
    return frames;
  }

  /** The capture as a pcap file's bytes. */
  public byte[] bytes() {
    return out.toByteArray();
  }

  /** Writes the capture to {@code file}. */
  public void writeTo(Path file) {
    try {
      Files.write(file, bytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
