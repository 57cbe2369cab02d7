/** Tests of the FAT internals: allocation and chain walks of the in-memory table. */
package io.morgana.fs.fat.internal;
