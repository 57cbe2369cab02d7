/**
 * Byte-level codecs for partition tables: the MBR/EBR sector and its 16-byte entries, the GPT
 * header and the GPT partition entry. Each is an immutable record with {@code parse} (from
 * untrusted bytes, throwing only {@link io.morgana.block.wire.MalformedPartitionTableException})
 * and {@code emit}, with the field offsets as constants. No I/O, no logging.
 *
 * <p>Sources: the UEFI Specification 2.10, section 5 ("GUID Partition Table (GPT) Disk Layout"),
 * tables 5-1 (Legacy MBR), 5-3 (Protective MBR), 5-5 (GPT Header) and 5-6 (GPT Partition Entry);
 * the extended-partition (EBR) chain as Linux reads it ({@code block/partitions/msdos.c}).
 */
package io.morgana.block.wire;
