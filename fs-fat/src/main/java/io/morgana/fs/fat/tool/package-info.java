/**
 * The {@code fat} command-line tool ({@code fs-fat/target/fat.jar}, launcher {@code fs-fat/fat}): mkfs, ls, put, get, cat,
 * rm, mkdir, mv, df and fsck on FAT images, the counterpart of ocaml-fat's {@code fat} and of
 * mtools.
 */
package io.morgana.fs.fat.tool;
