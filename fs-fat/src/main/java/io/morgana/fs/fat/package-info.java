/**
 * FAT12, FAT16 and FAT32 with VFAT long names over any {@link io.morgana.api.Block}: the file
 * system, its {@link io.morgana.api.Kv} view, mkfs and the {@code fat} command-line tool.
 * References are to Microsoft's "FAT: General Overview of On-Disk Format" 1.03 ("fatgen103").
 *
 * <p>API: {@link io.morgana.fs.fat.FatFileSystem} (a facade: mount, paths, files, directories),
 * {@link io.morgana.fs.fat.FatFile} (an open file, copy-on-write), {@link
 * io.morgana.fs.fat.FatEntry}, {@link io.morgana.fs.fat.FormatOptions}, {@link
 * io.morgana.fs.fat.FatChecker}, {@link io.morgana.fs.fat.FatFsModule}. Package-private parts
 * behind the facade: {@code Namespace} (path walking, directory cache), {@code Entries} (changes
 * to directory entries, §6–7), {@code Dir} and {@code Node} (a loaded directory and its entries),
 * {@code Formatter} (mkfs). Byte layouts are in {@code wire}, sector-level machinery in {@code
 * internal}.
 */
package io.morgana.fs.fat;
