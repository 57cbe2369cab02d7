package io.morgana.api;

/**
 * Geometry and capabilities of a {@link Block}.
 *
 * @param sectorSize bytes per sector, a power of two of at least 512
 * @param sectorCount number of sectors
 * @param readWrite whether writes are accepted
 * @param discardSupported whether {@link Block#discard} reaches the device
 */
public record BlockInfo(int sectorSize, long sectorCount, boolean readWrite, boolean discardSupported) {

  public BlockInfo {
    if (sectorSize < 512 || Integer.bitCount(sectorSize) != 1) {
      throw new IllegalArgumentException("sector size must be a power of two >= 512, got " + sectorSize);
    }
    if (sectorCount < 0) {
      throw new IllegalArgumentException("sector count must be >= 0, got " + sectorCount);
    }
  }

  /** Size of the device in bytes. */
  public long sizeBytes() {
    return sectorCount * sectorSize;
  }
}
