/**
 * Internals of the FAT file system: the in-memory file allocation table with ordered write-back
 * to every FAT copy, and the sector cache for directory and file data. Not API.
 */
package io.morgana.fs.fat.internal;
