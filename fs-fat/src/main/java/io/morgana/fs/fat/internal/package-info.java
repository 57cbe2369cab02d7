/**
 * Internals of the FAT file system, one job per class; not API. References are to Microsoft's
 * "FAT: General Overview of On-Disk Format" 1.03 ("fatgen103").
 *
 * <ul>
 *   <li>{@link io.morgana.fs.fat.internal.Volume}: file-system sectors over a {@code Block} whose
 *       sectors may be smaller (§3.1 {@code BPB_BytsPerSec}).
 *   <li>{@link io.morgana.fs.fat.internal.FatTable}: the file allocation table in memory (§4),
 *       chain walks bounded against loops, allocation of contiguous extents.
 *   <li>{@link io.morgana.fs.fat.internal.SectorCache}: write-back cache of directory sectors and
 *       partly written data sectors, dirty sectors classed as data or directory.
 *   <li>{@link io.morgana.fs.fat.internal.ClusterIo}: byte ranges of cluster chains (§3.5), one
 *       device request per extent.
 *   <li>{@link io.morgana.fs.fat.internal.WriteBack}: the power-cut-safe write-back order — data,
 *       every FAT copy, directory entries, FSInfo (§5).
 * </ul>
 */
package io.morgana.fs.fat.internal;
