/**
 * {@link io.morgana.api.Block} implementations and combinators: RAM and file-backed disks, MBR and GPT partitions, read-only views, copy and compare.
 */
package io.morgana.block;
