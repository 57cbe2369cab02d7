package io.morgana.xen.xenbus;

/**
 * {@code enum xenbus_state} of Xen {@code io/xenbus.h}, written to {@code state} nodes as decimal
 * strings.
 */
public enum XenbusState {
  /** 0: no or invalid node. */
  UNKNOWN(0),
  /** 1: the initial state written by the toolstack. */
  INITIALISING(1),
  /** 2: early initialisation done, waiting for the peer (typically a backend). */
  INIT_WAIT(2),
  /** 3: transport parameters published, waiting for the peer to connect. */
  INITIALISED(3),
  /** 4: running. */
  CONNECTED(4),
  /** 5: being closed (error or unplug). */
  CLOSING(5),
  /** 6: closed. */
  CLOSED(6),
  /** 7: reconfiguration in progress. */
  RECONFIGURING(7),
  /** 8: reconfiguration done. */
  RECONFIGURED(8);

  private static final XenbusState[] BY_CODE = values();

  private final int code;

  XenbusState(int code) {
    this.code = code;
  }

  /** The number of {@code io/xenbus.h}. */
  public int code() {
    return code;
  }

  /** The decimal string written to a {@code state} node. */
  public String wire() {
    return Integer.toString(code);
  }

  /** The state numbered {@code code}. */
  public static XenbusState ofCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new XenbusException("no xenbus state " + code);
    }
    return BY_CODE[code];
  }

  /**
   * Parses the value of a {@code state} node.
   *
   * @throws XenbusException if it is not a decimal number of a state
   */
  public static XenbusState parse(String text) {
    String t = text.strip();
    if (t.isEmpty() || t.length() > 3) {
      throw new XenbusException("malformed xenbus state \"" + text + "\"");
    }
    int v = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        throw new XenbusException("malformed xenbus state \"" + text + "\"");
      }
      v = v * 10 + (c - '0');
    }
    if (v >= BY_CODE.length) {
      throw new XenbusException("unknown xenbus state " + v);
    }
    return BY_CODE[v];
  }
}
