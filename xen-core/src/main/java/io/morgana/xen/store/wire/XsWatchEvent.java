package io.morgana.xen.store.wire;

/**
 * The payload of an {@code XS_WATCH_EVENT}: {@code path\0token\0} (fields {@code XS_WATCH_PATH = 0}
 * and {@code XS_WATCH_TOKEN = 1} of {@code enum xs_watch_type}).
 *
 * @param path the node that changed (relative if the watch was registered with a relative path)
 * @param token the token given at registration
 */
public record XsWatchEvent(String path, String token) {

  /** Encodes as a payload. */
  public byte[] encode() {
    return XsPayloads.strings(path, token);
  }

  /** Parses a watch event payload. */
  public static XsWatchEvent parse(byte[] payload) throws MalformedXenStoreMessageException {
    var fields = XsPayloads.parseStrings(payload);
    if (fields.size() != 2) {
      throw new MalformedXenStoreMessageException(
          "watch event needs path\\0token\\0, got " + fields.size() + " strings");
    }
    return new XsWatchEvent(fields.get(0), fields.get(1));
  }
}
