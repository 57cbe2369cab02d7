package io.morgana.net.tcpip;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/** A test {@link Netif}: the test feeds frames to the handler and reads what the stack wrote. */
final class CaptureNetif implements Netif {

  private final MacAddress mac;
  private final int mtu;
  final List<byte[]> written = new ArrayList<>();
  FrameHandler handler;
  long writes;

  CaptureNetif(MacAddress mac, int mtu) {
    this.mac = mac;
    this.mtu = mtu;
  }

  @Override
  public MacAddress mac() {
    return mac;
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public Offloads offloads() {
    return Offloads.NONE;
  }

  @Override
  public NetifStats stats() {
    return new NetifStats(0, 0, 0, writes, 0, 0);
  }

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public boolean write(ByteBuf frame) {
    try {
      writes++;
      if (written.size() < 10_000) {
        written.add(ByteBufUtil.getBytes(frame));
      }
      return true;
    } finally {
      frame.release();
    }
  }

  @Override
  public void close() {}
}
