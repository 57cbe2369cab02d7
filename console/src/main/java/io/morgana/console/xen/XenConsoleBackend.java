package io.morgana.console.xen;

import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.ring.ByteRing;
import io.morgana.xen.ring.RingException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend end of a Xen PV console, running in another domain of the same platform family
 * (dom0 of the simulated hypervisor): what {@code xenconsoled} does. It maps the guest's console
 * page through a grant, binds the guest's event channel, copies everything the guest writes into
 * the {@code out} ring to an {@link OutputStream}, and feeds {@link #input} into the {@code in}
 * ring as space allows.
 *
 * <p>Threads: {@link #input}, {@link #pause}, {@link #resume} and {@link #close} from any thread;
 * the work happens on the backend platform's loop.
 */
public final class XenConsoleBackend implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(XenConsoleBackend.class);

  private final XenPlatform platform;
  private final MappedGrants mapping;
  private final int port;
  private final ByteRing out;
  private final ByteRing in;
  private final OutputStream sink;
  private final byte[] buffer = new byte[ByteRing.CONS_OUT_SIZE];
  private final MemorySegment bufferSegment = MemorySegment.ofArray(buffer);
  private final ArrayDeque<byte[]> input = new ArrayDeque<>();
  private int inputOffset;
  private volatile boolean paused;
  private volatile boolean closed;
  private volatile RingException broken;
  private long received;

  private XenConsoleBackend(XenPlatform platform, MappedGrants mapping, int port, OutputStream sink) {
    this.platform = platform;
    this.mapping = mapping;
    this.port = port;
    this.out = ByteRing.consoleOut(mapping.segment());
    this.in = ByteRing.consoleIn(mapping.segment());
    this.sink = sink;
    platform.events().setHandler(port, p -> service());
  }

  /**
   * Connects to the primary console of domain {@code guestDomid}: maps its grant {@code
   * GNTTAB_RESERVED_CONSOLE} (0) and binds its port {@code guestPort}.
   */
  public static XenConsoleBackend connect(
      XenPlatform backend, int guestDomid, int guestPort, OutputStream sink) {
    return connect(backend, guestDomid, GrantEntryV1.RESERVED_CONSOLE, guestPort, sink);
  }

  /** Connects to a console page granted as {@code ref} by {@code guestDomid}. */
  public static XenConsoleBackend connect(
      XenPlatform backend, int guestDomid, int ref, int guestPort, OutputStream sink) {
    MappedGrants mapping = backend.grants().map(guestDomid, ref, false);
    int port;
    try {
      port = backend.events().bindInterdomain(guestDomid, guestPort);
    } catch (RuntimeException e) {
      mapping.close();
      throw e;
    }
    return new XenConsoleBackend(backend, mapping, port, sink);
  }

  /** The backend's own event channel port. */
  public int port() {
    return port;
  }

  /** Queues {@code bytes} as console input (keystrokes) for the guest. */
  public void input(byte[] bytes) {
    byte[] copy = bytes.clone();
    platform.loop().execute(() -> {
      input.add(copy);
      service();
    });
  }

  /** Stops taking output from the guest: its {@code out} ring fills up. */
  public void pause() {
    paused = true;
  }

  /** Takes output again. */
  public void resume() {
    paused = false;
    platform.loop().execute(this::service);
  }

  /** Bytes received from the guest so far (read on the loop or after it settled). */
  public long received() {
    return received;
  }

  /** Input bytes not yet in the ring, on the loop. */
  public int pendingInput() {
    int n = -inputOffset;
    for (byte[] b : input) {
      n += b.length;
    }
    return n;
  }

  /** Whether the guest's indices were found corrupt. */
  public RingException broken() {
    return broken;
  }

  /** The ring work: drain output, feed input, notify the guest if an index moved. */
  private void service() {
    if (closed || broken != null) {
      return;
    }
    try {
      boolean moved = false;
      while (!paused) {
        int n = out.read(bufferSegment, 0, buffer.length);
        if (n == 0) {
          break;
        }
        moved = true;
        received += n;
        try {
          sink.write(buffer, 0, n);
        } catch (IOException e) {
          throw new UncheckedIOException("console backend sink failed", e);
        }
      }
      if (moved) {
        flushSink();
      }
      byte[] head;
      while ((head = input.peek()) != null) {
        int n = in.write(MemorySegment.ofArray(head), inputOffset, head.length - inputOffset);
        if (n == 0) {
          break;
        }
        moved = true;
        inputOffset += n;
        if (inputOffset == head.length) {
          input.poll();
          inputOffset = 0;
        }
      }
      if (moved) {
        platform.events().notify(port);
      }
    } catch (RingException e) {
      broken = e;
      LOG.warn("guest corrupted its console ring indices: {}", e.getMessage());
    }
  }

  private void flushSink() {
    try {
      sink.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("console backend sink failed", e);
    }
  }

  /**
   * Takes what output is left in the ring (even while paused: nothing the guest wrote is lost),
   * then unbinds and unmaps. Call it on the loop or once the loop has stopped. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    paused = false;
    service();
    closed = true;
    platform.events().setHandler(port, null);
    platform.events().close(port);
    mapping.close();
  }
}
