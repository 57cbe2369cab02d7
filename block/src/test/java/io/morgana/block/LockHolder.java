package io.morgana.block;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link FileBlockTest}: opens the image given as argument, prints {@code
 * locked} (or the error), and holds it until its standard input closes.
 */
public final class LockHolder {

  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (FileBlock disk = FileBlock.open(Path.of(args[0]))) {
      System.out.println("locked " + disk.info().sectorCount());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until stdin closes
      }
    } catch (io.morgana.api.BlockException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }
}
