package io.morgana.block;

import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;

/**
 * The bounds and alignment checks every {@link io.morgana.api.Block} in this package makes before
 * a byte moves. Public so that other implementations (Xen blkfront, test devices) refuse bad
 * requests with the same words.
 */
public final class Requests {

  private Requests() {}

  /**
   * Checks a read or write of {@code lengthBytes} bytes at {@code sector} against {@code info} and
   * returns the number of sectors it covers.
   *
   * @param device named in the message (its {@code toString()})
   * @param op {@code "read"}, {@code "write"}, ...
   * @throws BlockException when the length is not a whole number of sectors, the sector is
   *     negative, or the request reaches past the last sector
   */
  public static long check(Object device, BlockInfo info, String op, long sector, long lengthBytes)
      throws BlockException {
    int sectorSize = info.sectorSize();
    if (lengthBytes < 0 || (lengthBytes & (sectorSize - 1)) != 0) {
      throw new BlockException(
          op + " of " + lengthBytes + " bytes at sector " + sector + " on " + device
              + ": length is not a whole number of " + sectorSize + "-byte sectors");
    }
    long count = lengthBytes / sectorSize;
    checkRange(device, info, op, sector, count);
    return count;
  }

  /**
   * Checks that {@code count} sectors from {@code sector} lie on the device.
   *
   * @throws BlockException naming the sector, the count and the device size otherwise
   */
  public static void checkRange(Object device, BlockInfo info, String op, long sector, long count)
      throws BlockException {
    long size = info.sectorCount();
    if (sector < 0 || count < 0 || sector > size || count > size - sector) {
      throw new BlockException(
          op + " of " + count + " sector" + (count == 1 ? "" : "s") + " at sector " + sector
              + " on " + device + " is out of range: the device has " + size + " sectors of "
              + info.sectorSize() + " bytes");
    }
  }

  /** Refuses a write (or discard) on a read-only device. */
  public static void checkWritable(Object device, BlockInfo info, String op, long sector)
      throws BlockException {
    if (!info.readWrite()) {
      throw new BlockException(op + " at sector " + sector + " on " + device + " refused: the device is read-only");
    }
  }

  /** Refuses any request on a closed device. */
  public static void checkOpen(Object device, boolean closed, String op) throws BlockException {
    if (closed) {
      throw new BlockException(op + " on " + device + " refused: the device is closed");
    }
  }
}
