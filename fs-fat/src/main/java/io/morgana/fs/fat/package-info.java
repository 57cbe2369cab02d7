/**
 * FAT12, FAT16 and FAT32 with VFAT long names over any {@link io.morgana.api.Block}: the file system, its {@link io.morgana.api.Kv} view, mkfs and the {@code fat} command-line tool.
 */
package io.morgana.fs.fat;
