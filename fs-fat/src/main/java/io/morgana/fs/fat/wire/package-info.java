/**
 * Byte-level FAT structures (Microsoft "FAT: General Overview of On-Disk Format", fatgen103): the
 * boot sector with its BIOS parameter block, the FAT32 FSInfo sector, short (8.3) directory
 * entries and VFAT long-name entries. Each is a reusable flyweight over a {@link
 * io.netty.buffer.ByteBuf} plus an immutable record with {@code parse}/{@code emit}; malformed
 * on-disk data is refused with {@link io.morgana.fs.fat.wire.FatFormatException} and nothing else.
 * No logging, clocks or dependency injection here.
 */
package io.morgana.fs.fat.wire;
