package io.morgana.xen.store.wire;

/**
 * The error strings of {@code xsd_errors[]} in Xen {@code io/xs_wire.h}, in the header's order,
 * with their Linux errno numbers. The string travels on the wire ({@code XS_ERROR} payload
 * {@code "ENAME\0"}); the number is for reference.
 */
public enum XsError {
  /** Invalid argument (bad path, bad payload). */
  EINVAL(22),
  /** Permission denied. */
  EACCES(13),
  /** The node (or watch) exists already. */
  EEXIST(17),
  /** Is a directory. */
  EISDIR(21),
  /** No such node, transaction or watch. */
  ENOENT(2),
  /** Out of memory. */
  ENOMEM(12),
  /** A quota is exhausted. */
  ENOSPC(28),
  /** I/O error; also used by Morgana for a broken connection or a malformed reply. */
  EIO(5),
  /** Directory not empty. */
  ENOTEMPTY(39),
  /** Operation not supported. */
  ENOSYS(38),
  /** Read-only. */
  EROFS(30),
  /** Busy. */
  EBUSY(16),
  /** A transaction conflicted with another writer: redo it. */
  EAGAIN(11),
  /** Already connected. */
  EISCONN(106),
  /** Too big (payload, reply or quota of watches). */
  E2BIG(7),
  /** Operation not permitted (appended in Xen 4.x). */
  EPERM(1);

  private final int errno;

  XsError(int errno) {
    this.errno = errno;
  }

  /** The Linux errno number of this error. */
  public int errno() {
    return errno;
  }

  /** The error whose string is {@code name}, or {@code null} for a string not in {@code xsd_errors[]}. */
  public static XsError ofName(String name) {
    for (XsError e : values()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    return null;
  }
}
