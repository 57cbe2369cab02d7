package io.morgana.fs.fat;

import io.morgana.fs.fat.wire.ShortEntry;
import io.morgana.fs.fat.wire.ShortNames;

/** A live entry of a loaded directory: its names, short entry and where its slots are. */
final class Node {

  final Dir parent;
  final String longName;
  ShortEntry entry;
  final int firstSlot;
  final int shortSlot;
  int openHandles;

  Node(Dir parent, String longName, ShortEntry entry, int firstSlot, int shortSlot) {
    this.parent = parent;
    this.longName = longName;
    this.entry = entry;
    this.firstSlot = firstSlot;
    this.shortSlot = shortSlot;
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
