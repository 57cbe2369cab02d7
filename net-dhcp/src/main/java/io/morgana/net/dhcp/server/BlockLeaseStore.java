package io.morgana.net.dhcp.server;

import io.morgana.api.Block;
import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A {@link LeaseStore} on a raw {@link Block}, for a kernel whose only storage is a disk: two
 * slots, each half of the disk, written alternately (the classic "A/B" scheme). A slot is a
 * header sector and the bindings as text, one per line as in {@link LeaseDatabase}:
 *
 * <pre>
 *  0      4        12       16       20
 * +------+--------+--------+--------+---------------------------+
 * | MDLS | seq    | length | crc32c | zero                      |  sector 0 of the slot
 * +------+--------+--------+--------+---------------------------+
 * | text: "MAC ADDRESS EXPIRES\n"...   (length bytes)           |  sectors 1..
 * +-------------------------------------------------------------+
 * </pre>
 *
 * {@link #save} writes the slot the last save did not use, header and text in one request, with a
 * sequence number one higher, then flushes the disk. {@link #load} takes the slot with the highest
 * sequence number whose CRC-32C (over sequence, length and text) checks: a write torn by a crash
 * or a power cut fails its check, and the other slot, flushed by the save before, still holds
 * the previous set complete.
 *
 * <p>Not thread-safe; one server owns it.
 */
public final class BlockLeaseStore implements LeaseStore {

  private static final int MAGIC = 0x4d444c53; // "MDLS"
  private static final int HEADER = 20;

  private final Block disk;
  private final int sectorSize;
  private final long slotSectors;
  private long sequence = -1; // of the newest valid slot, once loaded
  private int newestSlot = 1;

  /**
   * A store over the whole of {@code disk}, which must have at least four sectors.
   *
   * @throws IllegalArgumentException if the disk is too small
   */
  public BlockLeaseStore(Block disk) {
    this.disk = disk;
    this.sectorSize = disk.info().sectorSize();
    this.slotSectors = disk.info().sectorCount() / 2;
    if (slotSectors < 2) {
      throw new IllegalArgumentException("a lease store needs at least 4 sectors, the disk has " + disk.info().sectorCount());
    }
  }

  /** The bytes of text one slot can hold. */
  public long capacity() {
    return (slotSectors - 1) * sectorSize;
  }

  @Override
  public List<LeaseDatabase.Stored> load() throws IOException {
    String best = null;
    long bestSeq = -1;
    int bestSlot = 1;
    for (int slot = 0; slot < 2; slot++) {
      Slot s = readSlot(slot);
      if (s != null && s.sequence > bestSeq) {
        bestSeq = s.sequence;
        best = s.text;
        bestSlot = slot;
      }
    }
    sequence = bestSeq;
    newestSlot = bestSlot;
    if (best == null) {
      return List.of();
    }
    List<LeaseDatabase.Stored> out = new ArrayList<>();
    for (String line : best.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length != 3) {
        continue;
      }
      try {
        out.add(new LeaseDatabase.Stored(MacAddress.parse(f[0]), Ipv4Address.parse(f[1]), Long.parseLong(f[2])));
      } catch (IllegalArgumentException e) {
        // a line that does not parse costs that binding (cannot happen under a valid CRC)
      }
    }
    return out;
  }

  @Override
  public void save(List<LeaseDatabase.Stored> leases) throws IOException {
    if (sequence < 0) {
      load(); // learn which slot is newest, so that it is not the one overwritten
    }
    StringBuilder s = new StringBuilder();
    for (LeaseDatabase.Stored l : leases) {
      s.append(l.mac()).append(' ').append(l.address()).append(' ').append(l.expiresEpochSecond()).append('\n');
    }
    byte[] text = s.toString().getBytes(StandardCharsets.US_ASCII);
    if (text.length > capacity()) {
      throw new IOException(leases.size() + " leases need " + text.length + " bytes; a slot holds " + capacity());
    }
    long seq = sequence + 1;
    int slot = 1 - newestSlot;
    int sectors = 1 + (text.length + sectorSize - 1) / sectorSize;
    ByteBuf buf = Unpooled.buffer(sectors * sectorSize);
    try {
      buf.writeInt(MAGIC).writeLong(seq).writeInt(text.length).writeInt(crc(seq, text));
      buf.writeZero(sectorSize - HEADER);
      buf.writeBytes(text);
      buf.writeZero(sectors * sectorSize - buf.writerIndex());
      disk.write(slot * slotSectors, buf);
    } finally {
      buf.release();
    }
    disk.flush();
    sequence = seq;
    newestSlot = slot;
  }

  private record Slot(long sequence, String text) {}

  private Slot readSlot(int slot) throws IOException {
    ByteBuf head = Unpooled.buffer(sectorSize);
    long seq;
    int length;
    int crc;
    try {
      disk.read(slot * slotSectors, head);
      if (head.readInt() != MAGIC) {
        return null;
      }
      seq = head.readLong();
      length = head.readInt();
      crc = head.readInt();
    } finally {
      head.release();
    }
    if (seq < 0 || length < 0 || length > capacity()) {
      return null;
    }
    int sectors = (length + sectorSize - 1) / sectorSize;
    byte[] text = new byte[length];
    if (sectors > 0) {
      ByteBuf body = Unpooled.buffer(sectors * sectorSize);
      try {
        disk.read(slot * slotSectors + 1, body);
        body.readBytes(text);
      } finally {
        body.release();
      }
    }
    if (crc(seq, text) != crc) {
      return null;
    }
    return new Slot(seq, new String(text, StandardCharsets.US_ASCII));
  }

  private static int crc(long seq, byte[] text) {
    CRC32C c = new CRC32C();
    for (int i = 7; i >= 0; i--) {
      c.update((int) (seq >>> (8 * i)));
    }
    c.update(text.length >>> 24);
    c.update(text.length >>> 16);
    c.update(text.length >>> 8);
    c.update(text.length);
    c.update(text);
    return (int) c.getValue();
  }

  @Override
  public String toString() {
    return "BlockLeaseStore[" + disk.info() + "]";
  }
}
