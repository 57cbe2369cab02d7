package io.morgana.xen.sim;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A domain of a {@link SimHypervisor} played by another process — Morgana's C conformance
 * backend — which shares the machine memory through a memory-mapped file ({@link
 * SimMemory#mapFile}) and exchanges events through a pair of pipes: for each event delivered to
 * one of the outside domain's ports, its number (u32, little-endian) is written to {@code
 * toPeer}; each port number the process writes to {@code fromPeer} is a notification it sends
 * through that port of its own.
 *
 * <p>Event channels of the outside domain are set up from Java on its behalf ({@code
 * domain().events().bindInterdomain(...)}) and the resulting port numbers passed to the process
 * on its command line; then the process is started and {@link #connect}ed.
 */
public final class ExternalDomain implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExternalDomain.class);

  private final SimDomain domain;
  private final byte[] out = new byte[4];
  /** Ports delivered before {@link #connect}: written once the pipe exists. */
  private final List<Integer> early = new ArrayList<>();
  private OutputStream toPeer;
  private volatile boolean closed;
  private volatile Throwable failure;

  private ExternalDomain(SimHypervisor hypervisor, int domid) {
    this.domain = hypervisor.createExternalDomain(domid, this::deliver);
  }

  /**
   * Creates domain {@code domid}, to be played by a process that is started once its ports are
   * set up ({@link #connect}). Events delivered meanwhile are passed on at connection.
   */
  public static ExternalDomain create(SimHypervisor hypervisor, int domid) {
    return new ExternalDomain(hypervisor, domid);
  }

  /** Connects the event pipes of the process playing the domain. */
  public void connect(InputStream fromPeer, OutputStream toPeer) {
    synchronized (out) {
      if (this.toPeer != null) {
        throw new IllegalStateException("already connected");
      }
      this.toPeer = toPeer;
      for (int port : early) {
        writePort(port);
      }
      early.clear();
    }
    Thread.ofPlatform()
        .daemon()
        .name("xen-external-domain-" + domain.domid())
        .start(() -> pump(fromPeer));
  }

  /** The outside domain, as the hypervisor sees it. */
  public SimDomain domain() {
    return domain;
  }

  /** Why the event pipe from the peer failed, or {@code null}. */
  public Throwable failure() {
    return failure;
  }

  private void deliver(int port) {
    if (closed) {
      return;
    }
    synchronized (out) {
      if (toPeer == null) {
        early.add(port);
        return;
      }
      writePort(port);
    }
  }

  private void writePort(int port) {
    out[0] = (byte) port;
    out[1] = (byte) (port >>> 8);
    out[2] = (byte) (port >>> 16);
    out[3] = (byte) (port >>> 24);
    try {
      toPeer.write(out);
      toPeer.flush();
    } catch (IOException e) {
      if (!closed) {
        throw new UncheckedIOException("event pipe to domain " + domain.domid() + " broke", e);
      }
    }
  }

  private void pump(InputStream fromPeer) {
    byte[] in = new byte[4];
    try {
      while (true) {
        int got = 0;
        while (got < 4) {
          int n = fromPeer.read(in, got, 4 - got);
          if (n < 0) {
            if (got == 0) {
              return;
            }
            throw new EOFException("event pipe closed inside a port number");
          }
          got += n;
        }
        int port = (in[0] & 0xff) | (in[1] & 0xff) << 8 | (in[2] & 0xff) << 16 | (in[3] & 0xff) << 24;
        domain.events().notify(port);
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        failure = e;
        LOG.warn("event pipe from domain {} failed", domain.domid(), e);
      }
    }
  }

  /** Closes the pipe to the peer (it sees end of file) and removes the domain. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      synchronized (out) {
        if (toPeer != null) {
          toPeer.close();
        }
      }
    } catch (IOException e) {
      LOG.debug("closing event pipe", e);
    }
    domain.close();
  }
}
