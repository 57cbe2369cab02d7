package io.morgana.runtime.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * Where a {@link Libc} call leaves {@code errno}: a small native buffer, allocated once in the
 * caller's arena and passed to every call. One per thread that makes calls (a call overwrites it);
 * reusing it allocates nothing.
 */
public final class Errno {

  static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  final MemorySegment segment;

  /** A capture buffer in {@code arena}. */
  public Errno(Arena arena) {
    this.segment = arena.allocate(LAYOUT);
  }

  /** The {@code errno} of the last failed call made with this buffer. */
  public int value() {
    return (int) ERRNO.get(segment, 0L);
  }

  /**
   * The failure of the last call made with this buffer, as the one exception type.
   *
   * @param call what was called, for the message: {@code "open(/dev/net/tun)"}
   */
  public ErrnoException exception(String call) {
    return new ErrnoException(call, value());
  }
}
