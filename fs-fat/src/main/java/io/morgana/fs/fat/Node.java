package io.morgana.fs.fat;

import io.morgana.fs.fat.wire.ShortEntry;
import io.morgana.fs.fat.wire.ShortNames;

/**
 * A live entry of a loaded directory: its names, short entry (fatgen103 §6), where its slots are
 * (the long-name slots of §7 precede the short one), and whether a {@link FatFile} has it open.
 */
final class Node {

  private final Dir parent;
  private final String longName;
  private ShortEntry entry;
  private final int firstSlot;
  private final int shortSlot;
  private int openHandles;

  Node(Dir parent, String longName, ShortEntry entry, int firstSlot, int shortSlot) {
    this.parent = parent;
    this.longName = longName;
    this.entry = entry;
    this.firstSlot = firstSlot;
    this.shortSlot = shortSlot;
  }

  Dir parent() {
    return parent;
  }

  /** The long name, or null when the short name is the only one. */
  String longName() {
    return longName;
  }

  ShortEntry entry() {
    return entry;
  }

  /** Replaces the in-memory short entry (the caller writes it to the directory). */
  void entry(ShortEntry e) {
    this.entry = e;
  }

  /** First slot: the first long-name slot, or the short entry's. */
  int firstSlot() {
    return firstSlot;
  }

  int shortSlot() {
    return shortSlot;
  }

  boolean isOpen() {
    return openHandles > 0;
  }

  void opened() {
    openHandles++;
  }

  void closed() {
    openHandles--;
  }

  String shortDisplay() {
    return ShortNames.display(entry.name(), entry.ntRes());
  }

  String name() {
    return longName != null ? longName : shortDisplay();
  }

  boolean isDirectory() {
    return entry.isDirectory();
  }

  FatEntry toFatEntry() {
    ShortEntry e = entry;
    return new FatEntry(name(), ShortNames.display(e.name(), 0), e.isDirectory(),
        e.isDirectory() ? 0 : e.size(), e.attributes(),
        DosTime.toDateTime(e.createDate(), e.createTime(), e.createTenths()),
        DosTime.toDateTime(e.writeDate(), e.writeTime(), 0), DosTime.toDate(e.accessDate()),
        e.firstCluster());
  }
}
