/**
 * Internals of the block devices: the Linux {@code fallocate(2)} binding (Java FFM) that lets
 * {@link io.morgana.block.FileBlock} punch holes for discard. Not API.
 */
package io.morgana.block.internal;
