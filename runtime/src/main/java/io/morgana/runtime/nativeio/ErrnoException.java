package io.morgana.runtime.nativeio;

import java.io.IOException;

/**
 * A Linux system call failed: the call, its {@code errno}, the errno's name and {@code
 * strerror(3)} text — {@code "open(/dev/xen/evtchn) failed: No such file or directory (ENOENT)"}.
 */
public final class ErrnoException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  /**
   * @param call what was called, for the message: {@code "ioctl(TUNSETIFF)"}
   * @param errno the {@code errno} it left
   */
  public ErrnoException(String call, int errno) {
    super(call + " failed: " + Libc.strerror(errno) + " (" + Libc.errnoName(errno) + ")");
    this.call = call;
    this.errno = errno;
  }

  /** The call that failed, as given. */
  public String call() {
    return call;
  }

  /** The {@code errno} value ({@link Libc#ENOENT}, ...). */
  public int errno() {
    return errno;
  }

  /** The errno's symbolic name, {@code "EACCES"}. */
  public String errnoName() {
    return Libc.errnoName(errno);
  }
}
