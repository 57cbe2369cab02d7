/** Tests of the FAT wire codecs: golden layouts, round trips, and any-bytes properties. */
package io.morgana.fs.fat.wire;
