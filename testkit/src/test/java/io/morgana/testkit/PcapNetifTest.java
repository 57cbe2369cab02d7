package io.morgana.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Netif;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.interop.HostTools;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapNetifTest {

  @TempDir Path dir;

  private final FakeClock clock = new FakeClock(1_700_000_000_123_456_789L);
  private final DeterministicLoop loop = new DeterministicLoop(clock);
  private final EthernetSwitch sw = new EthernetSwitch(loop);

  /** An IPv4/UDP frame from 192.0.2.1:7 to 192.0.2.2:7 (or the given hosts) with {@code payload} bytes, checksums zero. */
  private static ByteBuf udpFrame(Netif from, Netif to, int payload, int seq) {
    return udpFrame(from, to, payload, seq, 1, 2);
  }

  private static ByteBuf udpFrame(Netif from, Netif to, int payload, int seq, int srcHost, int dstHost) {
    int ipLen = 20 + 8 + payload;
    ByteBuf f = Unpooled.buffer(14 + ipLen);
    f.writeBytes(to.mac().toBytes()).writeBytes(from.mac().toBytes()).writeShort(0x0800);
    f.writeByte(0x45).writeByte(0).writeShort(ipLen).writeShort(seq).writeShort(0x4000)
        .writeByte(64).writeByte(17).writeShort(0)
        .writeBytes(new byte[] {(byte) 192, 0, 2, (byte) srcHost}).writeBytes(new byte[] {(byte) 192, 0, 2, (byte) dstHost});
    int sum = 0;
    for (int i = 14; i < 34; i += 2) {
      sum += f.getUnsignedShort(i);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    f.setShort(24, ~sum & 0xffff);
    f.writeShort(7).writeShort(7).writeShort(8 + payload).writeShort(0);
    for (int i = 0; i < payload; i++) {
      f.writeByte(seq + i);
    }
    return f;
  }

  /** Sends n frames each way through a PcapNetif and returns what was sent, in file order. */
  private List<byte[]> exchange(PcapNetif pcap, Netif peer, int n) {
    List<byte[]> expected = new ArrayList<>();
    pcap.listen((f, at, flags) -> { });
    peer.listen((f, at, flags) -> { });
    for (int i = 0; i < n; i++) {
      ByteBuf out = udpFrame(pcap, peer, 10 + i * 37, i);
      expected.add(ByteBufUtil.getBytes(out));
      pcap.write(out);
      loop.runUntilIdle();
      ByteBuf in = udpFrame(peer, pcap, 5 + i, 1000 + i, 2, 1);
      expected.add(ByteBufUtil.getBytes(in));
      peer.write(in);
      loop.runUntilIdle();
      loop.advance(Duration.ofMillis(3));
    }
    return expected;
  }

  @Test
  void writesTheLibpcapFormatWithEveryFrameBothWays() throws IOException {
    Path file = dir.resolve("session.pcap");
    Netif peer = sw.newPort();
    PcapNetif pcap = new PcapNetif(sw.newPort(), file, clock);
    long start = clock.nanoTime();
    List<byte[]> expected = exchange(pcap, peer, 10);
    assertEquals(20, pcap.recordedFrames());
    pcap.close();
    pcap.close();

    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0xa1b2c3d4, b.getInt());
    assertEquals(2, b.getShort());
    assertEquals(4, b.getShort());
    assertEquals(0, b.getInt());
    assertEquals(0, b.getInt());
    assertEquals(65535, b.getInt());
    assertEquals(1, b.getInt());
    for (int i = 0; i < expected.size(); i++) {
      long seconds = Integer.toUnsignedLong(b.getInt());
      int micros = b.getInt();
      int caplen = b.getInt();
      int len = b.getInt();
      long expectedNanos = start + (i / 2) * 3_000_000L;
      assertEquals(expectedNanos / 1_000_000_000L, seconds, "record " + i);
      assertEquals(expectedNanos % 1_000_000_000L / 1000, micros, "record " + i);
      assertEquals(expected.get(i).length, caplen);
      assertEquals(expected.get(i).length, len);
      byte[] frame = new byte[caplen];
      b.get(frame);
      assertArrayEquals(expected.get(i), frame, "record " + i);
    }
    assertEquals(0, b.remaining());
  }

  @Test
  void sameRunSameBytesWithASuppliedClock() throws IOException {
    Path one = dir.resolve("one.pcap");
    Path two = dir.resolve("two.pcap");
    for (Path p : List.of(one, two)) {
      FakeClock c = new FakeClock(5_000_000_000L);
      DeterministicLoop l = new DeterministicLoop(c);
      EthernetSwitch s = new EthernetSwitch(l);
      try (PcapNetif pcap = new PcapNetif(s.newPort(), p, c)) {
        Netif peer = s.newPort();
        pcap.write(udpFrame(pcap, peer, 100, 1));
        c.advanceNanos(1_500);
        pcap.write(udpFrame(pcap, peer, 200, 2));
        l.runUntilIdle();
      }
      s.close();
    }
    assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
  }

  @Test
  void flushMakesRecordsVisibleBeforeClose() throws IOException {
    Path file = dir.resolve("flush.pcap");
    Netif peer = sw.newPort();
    try (PcapNetif pcap = new PcapNetif(sw.newPort(), file)) {
      pcap.write(udpFrame(pcap, peer, 30, 1));
      pcap.flush();
      assertEquals(24 + 16 + 14 + 20 + 8 + 30, Files.size(file));
    }
  }

  @Test
  void tcpdumpReadsTheFileCleanlyAndCountsEveryFrame() throws Exception {
    HostTools.require("tcpdump");
    Path file = dir.resolve("tcpdump.pcap");
    Netif peer = sw.newPort();
    PcapNetif pcap = new PcapNetif(sw.newPort(), file); // wall-clock timestamps
    // Enough frames to go through the write buffer several times.
    List<byte[]> expected = exchange(pcap, peer, 300);
    pcap.close();
    Process p = new ProcessBuilder("tcpdump", "-r", file.toString(), "-nn")
        .redirectError(dir.resolve("tcpdump.err").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String err = Files.readString(dir.resolve("tcpdump.err"));
    assertEquals(0, p.exitValue(), "tcpdump failed: " + err);
    assertTrue(!err.contains("truncated") && !err.contains("bad"), "tcpdump complained: " + err);
    List<String> lines = out.lines().toList();
    assertEquals(expected.size(), lines.size(), "tcpdump frame count\n" + out);
    assertTrue(lines.get(0).contains("192.0.2.1.7 > 192.0.2.2.7: UDP, length 10"), lines.get(0));
    assertTrue(lines.get(1).contains("192.0.2.2.7 > 192.0.2.1.7: UDP, length 5"), lines.get(1));
  }

  @Test
  void oversizedFramesAreCutAtTheSnapLength() throws IOException {
    Path file = dir.resolve("big.pcap");
    EthernetSwitch.Port big = sw.newPort(io.morgana.api.MacAddress.parse("02:00:00:00:00:01"), 70_000);
    try (PcapNetif pcap = new PcapNetif(big, file, clock)) {
      ByteBuf f = Unpooled.buffer(66_000).writeZero(66_000);
      pcap.write(f);
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    b.position(24 + 8);
    assertEquals(65535, b.getInt());
    assertEquals(66_000, b.getInt());
    assertEquals(24 + 16 + 65535, b.capacity());
  }
}
