package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;

final class WireTestSupport {
  private WireTestSupport() {}

  /** Bytes from hex with spaces and newlines ignored. */
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
  }

  static ByteBuf buf(String hex) {
    return Unpooled.wrappedBuffer(hex(hex));
  }

  static String hexOf(ByteBuf b, int index, int length) {
    byte[] out = new byte[length];
    b.getBytes(index, out);
    return HexFormat.of().formatHex(out);
  }
}
