package io.morgana.fs.fat;

/** The three FAT variants, named for the width of a FAT entry (fatgen103 §3.5). */
public enum FatType {
  FAT12(12),
  FAT16(16),
  FAT32(32);

  private final int bits;

  FatType(int bits) {
    this.bits = bits;
  }

  /** Width of one FAT entry in bits. */
  public int bits() {
    return bits;
  }

  /** {@code 12}, {@code 16} or {@code 32} to the type. */
  public static FatType ofBits(int bits) {
    return switch (bits) {
      case 12 -> FAT12;
      case 16 -> FAT16;
      case 32 -> FAT32;
      default -> throw new IllegalArgumentException("no FAT" + bits + "; use 12, 16 or 32");
    };
  }
}
