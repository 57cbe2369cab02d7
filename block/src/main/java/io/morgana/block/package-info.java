/**
 * {@link io.morgana.api.Block} implementations and combinators: RAM and file-backed disks, MBR
 * and GPT partitions, read-only views, copy and compare.
 *
 * <ul>
 *   <li>{@link io.morgana.block.RamBlock}: a disk in memory, allocated lazily, discard zeroes.
 *   <li>{@link io.morgana.block.FileBlock}: a file or block device with positional I/O, an
 *       exclusive lock (two kernels never open one image), a {@link io.morgana.block.DiskSync}
 *       mode, read-only and create-with-size options.
 *   <li>{@link io.morgana.block.Blocks}: {@code slice} and {@code readOnly} views; {@code copy},
 *       {@code sparseCopy} and {@code compare}.
 *   <li>{@link io.morgana.block.Partitions}, {@link io.morgana.block.Mbr}, {@link
 *       io.morgana.block.Gpt}: read and write partition tables; each partition opens as a
 *       bounded {@code Block}. Byte layouts are in {@link io.morgana.block.wire}.
 *   <li>{@link io.morgana.block.Requests}: the bounds, alignment, read-only and closed checks
 *       every device here makes before a byte moves, public for other implementations.
 *   <li>{@link io.morgana.block.FileBlockModule} and {@link io.morgana.block.RamBlockModule}:
 *       Dagger modules binding {@code Block} from boot arguments.
 * </ul>
 *
 * <p>Every request past the end of a device, at a negative sector, or whose length is not a
 * whole number of sectors fails with a {@link io.morgana.api.BlockException} naming the request
 * (operation, sector, count) and the device (its name and size) before any byte moves.
 */
package io.morgana.block;
