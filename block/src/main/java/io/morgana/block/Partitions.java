package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.block.wire.MalformedPartitionTableException;
import io.morgana.block.wire.MbrEntry;
import java.io.IOException;
import java.util.List;

/**
 * Finds a disk's partitions and opens each as a {@link Block}.
 *
 * <p>A disk whose MBR holds a GPT protective entry (type 0xEE) is read as {@link Gpt}; any other
 * valid MBR as {@link Mbr}. A partition opened here is a view bounded to its extent: a request
 * outside it fails with a {@link BlockException} naming the partition, never touching the disk.
 */
public final class Partitions {

  private Partitions() {}

  /** The partition scheme {@link #list} found. */
  public enum Scheme { MBR, GPT }

  /**
   * The scheme of {@code disk}'s partition table: GPT when the MBR holds a protective entry, or
   * when the MBR is unusable but a GPT (primary or backup) is intact; MBR otherwise.
   *
   * @throws MalformedPartitionTableException with the MBR's problem when there is neither
   */
  public static Scheme scheme(Block disk) throws IOException {
    Mbr mbr;
    try {
      mbr = Mbr.read(disk);
    } catch (MalformedPartitionTableException e) {
      // A damaged or missing protective MBR in front of an intact GPT (sgdisk reads those too).
      try {
        Gpt.readDetailed(disk);
        return Scheme.GPT;
      } catch (MalformedPartitionTableException notGpt) {
        throw e;
      }
    }
    for (MbrEntry e : mbr.primary()) {
      if (e.type() == MbrEntry.TYPE_GPT_PROTECTIVE) {
        return Scheme.GPT;
      }
    }
    return Scheme.MBR;
  }

  /**
   * The partitions of {@code disk}, in table order.
   *
   * @throws MalformedPartitionTableException when the disk has no valid table
   */
  public static List<Partition> list(Block disk) throws IOException {
    return switch (scheme(disk)) {
      case GPT -> Gpt.read(disk).list();
      case MBR -> Mbr.read(disk).partitions();
    };
  }

  /**
   * Partition {@code number} of {@code disk} as a {@link Block}.
   *
   * @throws BlockException when there is no such partition
   */
  public static Block open(Block disk, int number) throws IOException {
    for (Partition p : list(disk)) {
      if (p.number() == number) {
        return open(disk, p);
      }
    }
    throw new BlockException(disk + " has no partition " + number);
  }

  /** {@code partition} of {@code disk} as a {@link Block} bounded to its extent. */
  public static Block open(Block disk, Partition partition) throws BlockException {
    return Blocks.slice(disk, partition.firstSector(), partition.sectorCount(), disk + " partition " + partition.number());
  }
}
