package io.morgana.block.wire;

import io.morgana.api.BlockException;

/**
 * A partition table that cannot be used: bad signature or checksum, an entry outside the disk,
 * overlapping partitions, an EBR chain that loops. The only exception the codecs in this package
 * and the partition readers throw for bad bytes; the message says what is wrong and where.
 */
public final class MalformedPartitionTableException extends BlockException {

  private static final long serialVersionUID = 1L;

  public MalformedPartitionTableException(String message) {
    super(message);
  }
}
