package io.morgana.fs.fat.wire;

import java.io.IOException;

/**
 * On-disk FAT data that is malformed: not a FAT boot sector, an impossible geometry, a cluster
 * chain that loops, leaves the volume or is shorter than its file. The only exception the wire
 * codecs throw for bad bytes; the file system reports damage it meets while walking with it too.
 */
public final class FatFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  public FatFormatException(String message) {
    super(message);
  }
}
