package io.morgana.xen.evtchn;

/**
 * An event channel operation refused: an unknown or closed port, binding to a port that is not
 * unbound for us, a port table that is full. Xen answers these with {@code -EINVAL}, {@code
 * -ESRCH} or {@code -ENOSPC} ({@code event_channel.h}).
 */
public final class EventChannelException extends RuntimeException {

  /** A refusal saying why. */
  public EventChannelException(String message) {
    super(message);
  }
}
