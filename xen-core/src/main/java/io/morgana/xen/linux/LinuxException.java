package io.morgana.xen.linux;

/** A Linux system call on a Xen device failed; {@link #errno()} says why. */
public final class LinuxException extends RuntimeException {

  private final int errno;

  LinuxException(String call, int errno) {
    super(call + " failed: errno " + errno + " (" + LibC.errnoName(errno) + ")");
    this.errno = errno;
  }

  /** The {@code errno} value. */
  public int errno() {
    return errno;
  }
}
