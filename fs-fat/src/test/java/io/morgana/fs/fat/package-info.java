/**
 * Tests of the FAT file system: unit tests, the model-based property against fsck.fat and mtools,
 * mkfs.fat/mcopy images read by Morgana, power cuts and corrupted images.
 */
package io.morgana.fs.fat;
