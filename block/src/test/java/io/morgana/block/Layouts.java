package io.morgana.block;

import io.morgana.block.wire.GptEntry;
import io.morgana.block.wire.MbrEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Random, valid partition layouts for properties and interop tests. */
final class Layouts {

  private Layouts() {}

  /** An MBR layout and the disk size it needs. */
  record MbrLayout(Mbr mbr, long diskSectors) {}

  /** A GPT layout and the disk it is for. */
  record GptLayout(Gpt gpt, long diskSectors, int sectorSize) {}

  static int dataType(Random r) {
    while (true) {
      int t = 1 + r.nextInt(255);
      if (t != 0x05 && t != 0x0f && t != 0x85 && t != 0xee) {
        return t;
      }
    }
  }

  /**
   * Up to four primary slots in random order, at most one of them extended with up to {@code
   * maxLogical} logical partitions, random gaps; {@code minGap} sectors at least before each
   * partition (room for alignment-minded tools).
   */
  static MbrLayout mbr(Random r, int maxLogical, int minGap, int maxSize) {
    int primaries = r.nextInt(5);
    boolean extended = primaries < 4 && r.nextBoolean();
    List<MbrEntry> entries = new ArrayList<>();
    List<Mbr.Logical> logical = new ArrayList<>();
    long pos = 1;
    for (int i = 0; i < primaries; i++) {
      long first = pos + minGap + r.nextInt(64);
      long size = 1 + r.nextInt(maxSize);
      entries.add(new MbrEntry(r.nextInt(4) == 0, dataType(r), first, size));
      pos = first + size;
    }
    if (extended) {
      long extStart = pos + minGap + r.nextInt(64);
      pos = extStart;
      int count = r.nextInt(maxLogical + 1);
      for (int i = 0; i < count; i++) {
        long ebr = i == 0 ? extStart : pos + r.nextInt(64);
        long first = ebr + Math.max(1, minGap) + r.nextInt(64);
        long size = 1 + r.nextInt(maxSize);
        logical.add(new Mbr.Logical(ebr, new MbrEntry(r.nextInt(8) == 0, dataType(r), first, size)));
        pos = first + size;
      }
      long extEnd = Math.max(pos, extStart + 1) + r.nextInt(64);
      entries.add(new MbrEntry(false, new int[] {0x05, 0x0f, 0x85}[r.nextInt(3)], extStart, extEnd - extStart));
      pos = extEnd;
    }
    while (entries.size() < 4) {
      entries.add(MbrEntry.EMPTY);
    }
    Collections.shuffle(entries, r);
    return new MbrLayout(new Mbr(r.nextInt(), entries, logical), pos + r.nextInt(100));
  }

  static String name(Random r, boolean asciiOnly) {
    int units = r.nextInt(GptEntry.NAME_UNITS + 1);
    StringBuilder b = new StringBuilder();
    while (b.length() < units) {
      int cp = asciiOnly ? 'a' + r.nextInt(26)
          : switch (r.nextInt(4)) {
              case 0 -> 'A' + r.nextInt(26);
              case 1 -> 0xa0 + r.nextInt(0x2000);
              case 2 -> 0x1f600 + r.nextInt(80); // needs a surrogate pair
              default -> '0' + r.nextInt(10);
            };
      if (b.length() + Character.charCount(cp) <= units) {
        b.appendCodePoint(cp);
      } else {
        b.append('x');
      }
    }
    return b.toString();
  }

  static GptLayout gpt(Random r, int sectorSize, int maxPartitions, boolean asciiNames) {
    long arraySectors = (Gpt.DEFAULT_ENTRY_COUNT * 128L + sectorSize - 1) / sectorSize;
    long pos = 2 + arraySectors;
    int count = r.nextInt(maxPartitions + 1);
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < Gpt.DEFAULT_ENTRY_COUNT; i++) {
      slots.add(i);
    }
    Collections.shuffle(slots, r);
    List<Gpt.Slot> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long first = pos + r.nextInt(64);
      long last = first + r.nextInt(2000);
      UUID type = switch (r.nextInt(3)) {
        case 0 -> Gpt.TYPE_LINUX_FILESYSTEM;
        case 1 -> Gpt.TYPE_EFI_SYSTEM;
        default -> new UUID(r.nextLong(), r.nextLong() | 1);
      };
      long attributes = r.nextBoolean() ? 0 : r.nextLong();
      parts.add(new Gpt.Slot(slots.get(i), new GptEntry(type, new UUID(r.nextLong(), r.nextLong()), first, last, attributes, name(r, asciiNames))));
      pos = last + 1;
    }
    parts.sort(java.util.Comparator.comparingInt(Gpt.Slot::index));
    long disk = pos + r.nextInt(100) + 1 + arraySectors + 1;
    return new GptLayout(Gpt.forDisk(disk, sectorSize, new UUID(r.nextLong(), r.nextLong()), parts), disk, sectorSize);
  }
}
