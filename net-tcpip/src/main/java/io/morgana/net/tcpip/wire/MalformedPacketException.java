package io.morgana.net.tcpip.wire;

/**
 * The one exception the codecs throw when bytes do not form a valid packet. It carries a
 * {@link Reason} so that the stack counts drops by cause.
 *
 * <p>Instances thrown by the flyweights' {@code check} methods are shared and carry no stack
 * trace, so that a flood of bad packets allocates nothing.
 */
public final class MalformedPacketException extends Exception {

  /** Why a packet was refused. */
  public enum Reason {
    /** Fewer bytes than the header or the length fields claim. */
    TRUNCATED,
    /** IPv4 version field other than 4. */
    BAD_VERSION,
    /** IPv4 IHL below 5 or beyond the available bytes. */
    BAD_HEADER_LENGTH,
    /** A total/length field smaller than the header or larger than the bytes that arrived. */
    BAD_LENGTH,
    /** A checksum that does not verify. */
    BAD_CHECKSUM,
    /** A well-formed packet of a kind this stack does not handle (ARP for non-Ethernet/IPv4). */
    UNSUPPORTED
  }

  private static final MalformedPacketException[] SHARED = new MalformedPacketException[Reason.values().length];

  static {
    for (Reason r : Reason.values()) {
      SHARED[r.ordinal()] = new MalformedPacketException(r, r.name().toLowerCase().replace('_', ' '), false);
    }
  }

  private final Reason reason;

  /** An exception with a message, for callers that want one (records, tests). */
  public MalformedPacketException(Reason reason, String message) {
    this(reason, message, true);
  }

  private MalformedPacketException(Reason reason, String message, boolean stackTrace) {
    super(message, null, false, stackTrace);
    this.reason = reason;
  }

  /** The shared, stack-trace-free instance for {@code reason}. */
  public static MalformedPacketException of(Reason reason) {
    return SHARED[reason.ordinal()];
  }

  /** Why the packet was refused. */
  public Reason reason() {
    return reason;
  }
}
