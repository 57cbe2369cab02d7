package io.morgana.xen.store;

/**
 * A byte stream of {@code xs_wire.h} messages between a {@link XenStoreClient} and a server: the
 * shared-page ring, {@code /dev/xen/xenbus}, or an in-JVM connection.
 */
public interface XenStoreTransport extends AutoCloseable {

  /**
   * Starts delivering received bytes to {@code receiver}, from whatever thread the transport
   * receives on. Called once.
   */
  void start(Receiver receiver);

  /**
   * Sends one whole message without waiting (the client sends on the kernel loop): what does not
   * fit yet is queued by the transport.
   *
   * @throws XenStoreException ({@code EIO}) if the transport is closed or broken
   */
  void send(byte[] message, int offset, int length);

  /** Picks up received bytes without waiting for a notification (tests, benchmarks). Any thread. */
  default void poll() {}

  /** The largest payload this transport carries: 4096, or 4080 through {@code /dev/xen/xenbus}. */
  default int maxPayload() {
    return io.morgana.xen.store.wire.XsHeader.PAYLOAD_MAX;
  }

  /** Releases the transport; the receiver gets {@link Receiver#onClosed}. */
  @Override
  void close();

  /** Where received bytes go. */
  interface Receiver {
    /** Bytes arrived; they may end in the middle of a message. */
    void onBytes(byte[] buf, int offset, int length);

    /** The transport ended ({@code cause} null for an orderly close). */
    void onClosed(Throwable cause);
  }
}
