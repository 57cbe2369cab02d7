package io.morgana.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A per-connection option of a {@link Flow}, typed by its value, set with {@link
 * Flow#set(FlowOption, Object)}: Nagle's algorithm, keep-alive and the user timeout of RFC 9293,
 * which otherwise come from the stack's settings. An implementation that cannot honour an option
 * throws {@link UnsupportedOperationException} from {@code set} and changes nothing.
 *
 * @param <T> the type of the option's value
 */
public final class FlowOption<T> {

  /**
   * {@code true} turns Nagle's algorithm off (RFC 9293 §3.7.4, the sockets API's {@code
   * TCP_NODELAY}): small writes go out at once rather than waiting for earlier small data to be
   * acknowledged. {@code false} (the default of Morgana's stacks) turns it back on.
   */
  public static final FlowOption<Boolean> NO_DELAY = new FlowOption<>("NO_DELAY", Boolean.class);

  /**
   * Keep-alive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): after {@link KeepAlive#idle} without hearing
   * from the peer, a probe every {@link KeepAlive#interval}; after {@link KeepAlive#probes}
   * unanswered, the connection times out and the flow's calls throw {@link
   * java.net.SocketTimeoutException}. {@link KeepAlive#OFF} turns it off.
   */
  public static final FlowOption<KeepAlive> KEEP_ALIVE = new FlowOption<>("KEEP_ALIVE", KeepAlive.class);

  /**
   * The user timeout (RFC 9293 §3.8.3, RFC 5482): data sent and unacknowledged this long ends the
   * connection with a {@link java.net.SocketTimeoutException}, whatever the number of
   * retransmissions; {@link Duration#ZERO} leaves the end to the stack's retransmission limit.
   * Must not be negative.
   */
  public static final FlowOption<Duration> USER_TIMEOUT = new FlowOption<>("USER_TIMEOUT", Duration.class);

  private final String name;
  private final Class<T> type;

  private FlowOption(String name, Class<T> type) {
    this.name = name;
    this.type = type;
  }

  /** The option's name, as its constant's. */
  public String name() {
    return name;
  }

  /** The type of its values. */
  public Class<T> type() {
    return type;
  }

  /**
   * Checks {@code value} for this option: not null, of {@link #type()}, a {@link #USER_TIMEOUT}
   * not negative (a {@link KeepAlive} checks itself).
   *
   * @return the value
   * @throws IllegalArgumentException if the value is not one this option takes
   */
  public T check(Object value) {
    if (value == null || !type.isInstance(value)) {
      throw new IllegalArgumentException(name + " takes a " + type.getSimpleName() + ", not " + value);
    }
    if (value instanceof Duration d && d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
    return type.cast(value);
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * The keep-alive of a connection ({@link #KEEP_ALIVE}).
   *
   * @param idle how long the connection is idle before the first probe; {@link Duration#ZERO}:
   *     keep-alive off
   * @param interval between unanswered probes; positive
   * @param probes unanswered probes after which the connection times out; at least 1
   */
  public record KeepAlive(Duration idle, Duration interval, int probes) {

    /** No keep-alive. */
    public static final KeepAlive OFF = new KeepAlive(Duration.ZERO, Duration.ofSeconds(75), 9);

    public KeepAlive {
      Objects.requireNonNull(idle, "idle");
      Objects.requireNonNull(interval, "interval");
      if (idle.isNegative() || !interval.isPositive() || probes < 1) {
        throw new IllegalArgumentException(
            "keep-alive needs idle >= 0, interval > 0 and probes >= 1: " + idle + ", " + interval + ", " + probes);
      }
    }

    /** Whether probes are sent at all. */
    public boolean on() {
      return !idle.isZero();
    }
  }
}
