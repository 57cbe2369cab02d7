package io.morgana.fs.fat;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * What a directory says about a file or directory (fatgen103 §6). Times are the local times FAT
 * stores (2-second resolution for modification, 10 ms for creation, a date for last access).
 *
 * @param name the long name, or the short name when the entry has none
 * @param shortName the 8.3 alias ({@code "README.TXT"}, {@code "LONGFI~1.TXT"})
 * @param directory whether this is a directory
 * @param size bytes in the file (0 for directories)
 * @param attributes the DIR_Attr bits ({@link #READ_ONLY}, {@link #HIDDEN}, ...)
 * @param firstCluster first cluster of its data, 0 when it has none
 */
public record FatEntry(
    String name,
    String shortName,
    boolean directory,
    long size,
    int attributes,
    LocalDateTime created,
    LocalDateTime modified,
    LocalDate accessed,
    long firstCluster) {

  public static final int READ_ONLY = 0x01;
  public static final int HIDDEN = 0x02;
  public static final int SYSTEM = 0x04;
  public static final int DIRECTORY = 0x10;
  public static final int ARCHIVE = 0x20;
}
