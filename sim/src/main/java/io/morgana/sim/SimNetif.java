package io.morgana.sim;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;

/**
 * The network card of one incarnation of a simulated kernel, plugged into its {@link
 * Network.Link}: a frame written goes onto the cable at once (the simulation's time); a frame the
 * cable delivers waits in an inbox until the kernel's loop polls it, at the same simulation time.
 * When the kernel crashes the card is dead: writes are dropped, nothing more arrives.
 */
final class SimNetif implements Netif, Pollable {

  static final int MTU = 1500;
  private static final int HEADER = 14;

  private final Network.Link link;
  private final EventLoop loop;
  private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
  private final EventLoop.Cancellable registration;
  private FrameHandler handler;
  private boolean dead;
  private long rxFrames;
  private long rxBytes;
  private long rxDropped;
  private long txFrames;
  private long txBytes;
  private long txDropped;

  SimNetif(Network.Link link, EventLoop loop) {
    this.link = link;
    this.loop = loop;
    this.registration = loop.register(this);
  }

  void arrive(byte[] frame) {
    if (!dead) {
      inbox.add(frame);
    }
  }

  boolean hasInput() {
    return !inbox.isEmpty();
  }

  /** Power off: nothing in, nothing out. */
  void kill() {
    dead = true;
    inbox.clear();
    registration.cancel();
  }

  @Override
  public boolean poll(long nowNanos) {
    if (inbox.isEmpty()) {
      return false;
    }
    byte[] f;
    while ((f = inbox.poll()) != null) {
      FrameHandler h = handler;
      if (h == null || f.length > MTU + HEADER) {
        rxDropped++;
        continue;
      }
      rxFrames++;
      rxBytes += f.length;
      ByteBuf b = Unpooled.wrappedBuffer(f);
      try {
        h.onFrame(b, nowNanos, 0);
      } finally {
        b.release();
      }
    }
    return true;
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }

  @Override
  public MacAddress mac() {
    return link.mac();
  }

  @Override
  public int mtu() {
    return MTU;
  }

  @Override
  public Offloads offloads() {
    return Offloads.NONE;
  }

  @Override
  public NetifStats stats() {
    return new NetifStats(rxFrames, rxBytes, rxDropped, txFrames, txBytes, txDropped);
  }

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public boolean write(ByteBuf frame) {
    int len = frame.readableBytes();
    if (dead || len < HEADER || len > MTU + HEADER) {
      frame.release();
      txDropped++;
      return false;
    }
    txFrames++;
    txBytes += len;
    link.transmit(frame);
    return true;
  }

  @Override
  public void close() {
    handler = null;
  }

  @Override
  public String toString() {
    return "SimNetif[" + link + "]";
  }
}
