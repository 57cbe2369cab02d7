package io.morgana.xen.store.wire;

/**
 * {@code enum xsd_sockmsg_type} of Xen {@code io/xs_wire.h}, with the numbers of the header
 * (checked against libxen-dev 4.17). {@code XS_DEBUG} is an alias of {@link #CONTROL}; the value
 * 20 ({@code XS_RESTRICT}) was removed from Xen and is not a type.
 */
public enum XsMessageType {
  /** {@code XS_CONTROL} (alias {@code XS_DEBUG}), 0. */
  CONTROL(0),
  /** {@code XS_DIRECTORY}, 1. */
  DIRECTORY(1),
  /** {@code XS_READ}, 2. */
  READ(2),
  /** {@code XS_GET_PERMS}, 3. */
  GET_PERMS(3),
  /** {@code XS_WATCH}, 4. */
  WATCH(4),
  /** {@code XS_UNWATCH}, 5. */
  UNWATCH(5),
  /** {@code XS_TRANSACTION_START}, 6. */
  TRANSACTION_START(6),
  /** {@code XS_TRANSACTION_END}, 7. */
  TRANSACTION_END(7),
  /** {@code XS_INTRODUCE}, 8. */
  INTRODUCE(8),
  /** {@code XS_RELEASE}, 9. */
  RELEASE(9),
  /** {@code XS_GET_DOMAIN_PATH}, 10. */
  GET_DOMAIN_PATH(10),
  /** {@code XS_WRITE}, 11. */
  WRITE(11),
  /** {@code XS_MKDIR}, 12. */
  MKDIR(12),
  /** {@code XS_RM}, 13. */
  RM(13),
  /** {@code XS_SET_PERMS}, 14. */
  SET_PERMS(14),
  /** {@code XS_WATCH_EVENT}, 15: unsolicited, {@code req_id = 0}. */
  WATCH_EVENT(15),
  /** {@code XS_ERROR}, 16: the reply to a failed request, payload {@code "ENAME\0"}. */
  ERROR(16),
  /** {@code XS_IS_DOMAIN_INTRODUCED}, 17. */
  IS_DOMAIN_INTRODUCED(17),
  /** {@code XS_RESUME}, 18. */
  RESUME(18),
  /** {@code XS_SET_TARGET}, 19. */
  SET_TARGET(19),
  /** {@code XS_RESET_WATCHES} = {@code XS_SET_TARGET + 2}, 21. */
  RESET_WATCHES(21),
  /** {@code XS_DIRECTORY_PART}, 22. */
  DIRECTORY_PART(22);

  /** {@code XS_TYPE_COUNT}: one more than the largest valid type. */
  public static final int TYPE_COUNT = 23;

  /** {@code XS_INVALID}: guaranteed never to be a valid type. */
  public static final int INVALID = 0xffff;

  private static final XsMessageType[] BY_CODE = new XsMessageType[TYPE_COUNT];

  static {
    for (XsMessageType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  XsMessageType(int code) {
    this.code = code;
  }

  /** The number on the wire. */
  public int code() {
    return code;
  }

  /** The type numbered {@code code}, or {@code null} if no type has that number. */
  public static XsMessageType ofCode(int code) {
    return code >= 0 && code < TYPE_COUNT ? BY_CODE[code] : null;
  }

  /** The type numbered {@code code}. */
  public static XsMessageType parse(int code) throws MalformedXenStoreMessageException {
    XsMessageType t = ofCode(code);
    if (t == null) {
      throw new MalformedXenStoreMessageException(
          "unknown xenstore message type " + Integer.toUnsignedString(code));
    }
    return t;
  }
}
