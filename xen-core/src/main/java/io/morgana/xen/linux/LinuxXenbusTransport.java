package io.morgana.xen.linux;

import io.morgana.xen.store.XenStoreException;
import io.morgana.xen.store.XenStoreTransport;
import io.morgana.xen.store.wire.MalformedXenStoreMessageException;
import io.morgana.xen.store.wire.XsError;
import io.morgana.xen.store.wire.XsFrameDecoder;
import io.morgana.xen.store.wire.XsMessage;
import io.morgana.xen.store.wire.XsMessageType;
import io.morgana.xen.store.wire.XsPayloads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * XenStore through Linux {@code /dev/xen/xenbus} ({@code drivers/xen/xenbus/xenbus_dev_frontend.c}):
 * a byte stream of {@code xs_wire.h} messages. Each request goes down in one {@code write()}; the
 * kernel's buffer is 4096 bytes including the 16-byte header, so payloads are limited to {@value
 * #MAX_PAYLOAD}. Replies and watch events are read by one daemon thread (a blocking device) and
 * handed to the client.
 */
public final class LinuxXenbusTransport implements XenStoreTransport {

  /** The device. */
  public static final String DEVICE = "/dev/xen/xenbus";

  /** The largest payload the device accepts: 4096 - sizeof(struct xsd_sockmsg). */
  public static final int MAX_PAYLOAD = 4080;

  private final ReadableByteChannel in;
  private final WritableByteChannel out;
  private final AutoCloseable closer;
  private volatile boolean closed;
  private Thread reader;

  /** Opens {@link #DEVICE} (or another path speaking the same stream). */
  public static LinuxXenbusTransport open(Path device) throws IOException {
    FileChannel ch = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new LinuxXenbusTransport(ch, ch, ch);
  }

  /** A transport over any pair of channels (the device, or a pipe to a test server). */
  public LinuxXenbusTransport(ReadableByteChannel in, WritableByteChannel out, AutoCloseable closer) {
    this.in = in;
    this.out = out;
    this.closer = closer;
  }

  /**
   * Reads one node with a synchronous request and reply, before {@link #start}: the platform's
   * own {@code domid} at boot, a device call like opening the file rather than a wait on the
   * kernel loop. Afterwards the client owns the stream.
   *
   * @throws XenStoreException if the store answers with an error or the stream breaks
   */
  public String readBeforeStart(String path) {
    if (reader != null) {
      throw new IllegalStateException("the transport has started");
    }
    byte[] request = new XsMessage(XsMessageType.READ, 1, 0, XsPayloads.strings(path)).encode();
    send(request, 0, request.length);
    XsFrameDecoder decoder = new XsFrameDecoder();
    List<XsFrameDecoder.Frame> frames = new ArrayList<>(1);
    ByteBuffer buf = ByteBuffer.allocate(4096);
    try {
      while (frames.isEmpty()) {
        buf.clear();
        int n = in.read(buf);
        if (n < 0) {
          throw new XenStoreException(XsError.EIO, DEVICE + " ended before the reply to READ " + path);
        }
        decoder.feed(buf.array(), 0, n, frames::add);
      }
      XsMessage reply = frames.get(0).message();
      if (reply.type() == XsMessageType.ERROR) {
        throw new XenStoreException(XsPayloads.parseSingleString(reply.payload()), "READ " + path + " refused by xenstore");
      }
      return new String(reply.payload(), StandardCharsets.UTF_8);
    } catch (IOException | MalformedXenStoreMessageException e) {
      throw new XenStoreException(XsError.EIO, "READ " + path + " through " + DEVICE + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void start(Receiver receiver) {
    reader = Thread.ofPlatform().daemon().name("xenbus-reader").start(() -> {
      ByteBuffer buf = ByteBuffer.allocate(4096);
      Throwable cause = null;
      try {
        while (!closed) {
          buf.clear();
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          receiver.onBytes(buf.array(), 0, n);
        }
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          cause = e;
        }
      }
      closed = true;
      receiver.onClosed(cause);
    });
  }

  @Override
  public synchronized void send(byte[] message, int offset, int length) {
    if (closed) {
      throw new XenStoreException(XsError.EIO, DEVICE + " closed");
    }
    ByteBuffer b = ByteBuffer.wrap(message, offset, length);
    try {
      while (b.hasRemaining()) {
        out.write(b);
      }
    } catch (IOException e) {
      throw new XenStoreException(XsError.EIO, "write to " + DEVICE + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int maxPayload() {
    return MAX_PAYLOAD;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closer.close();
    } catch (Exception e) {
      // Closing wakes the reader, which reports the end.
    }
  }
}
