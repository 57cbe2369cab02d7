package io.morgana.block;

/**
 * One partition of a disk, as {@link Partitions#list} finds it in an MBR or GPT.
 *
 * @param number 1..4 for MBR primary slots, 5.. for MBR logical partitions (Linux numbering);
 *     the 1-based entry index for GPT
 * @param firstSector the first sector, on the disk
 * @param sectorCount the number of sectors
 * @param type {@code "0x83"} style for MBR, the lower-case type GUID for GPT
 * @param name the GPT partition name; empty for MBR
 */
public record Partition(int number, long firstSector, long sectorCount, String type, String name) {

  /** The last sector, inclusive. */
  public long lastSector() {
    return firstSector + sectorCount - 1;
  }
}
