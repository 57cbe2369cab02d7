package io.morgana.fs.fat;

import java.nio.file.FileSystemException;

/**
 * Not enough free clusters (or directory slots) for an operation. The operation had no effect:
 * nothing it allocated stays allocated or visible.
 */
public final class FatDiskFullException extends FileSystemException {

  private static final long serialVersionUID = 1L;

  public FatDiskFullException(String path, String reason) {
    super(path, null, reason);
  }
}
