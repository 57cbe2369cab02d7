package io.morgana.xen.store;

/**
 * One entry of a XenStore node's permission list (Xen {@code docs/misc/xenstore.txt}): a letter
 * ({@code n} none, {@code r} read, {@code w} write, {@code b} both) and a domid, on the wire as
 * {@code "r5"}. The first entry of a list names the owner, and its access is what every domain
 * not listed gets; the owner and dom0 may always read and write.
 *
 * @param domid the domain
 * @param access what it may do
 */
public record Permission(int domid, Access access) {

  /** What a domain may do with a node. */
  public enum Access {
    /** {@code n}. */
    NONE('n', false, false),
    /** {@code r}. */
    READ('r', true, false),
    /** {@code w}. */
    WRITE('w', false, true),
    /** {@code b}. */
    BOTH('b', true, true);

    private final char letter;
    private final boolean read;
    private final boolean write;

    Access(char letter, boolean read, boolean write) {
      this.letter = letter;
      this.read = read;
      this.write = write;
    }

    /** The wire letter. */
    public char letter() {
      return letter;
    }

    /** Whether this allows reading. */
    public boolean canRead() {
      return read;
    }

    /** Whether this allows writing. */
    public boolean canWrite() {
      return write;
    }
  }

  /** Checks the domid range (a u16). */
  public Permission {
    if (domid < 0 || domid > 0xffff) {
      throw new IllegalArgumentException("domid " + domid + " outside 0..65535");
    }
    if (access == null) {
      throw new NullPointerException("access");
    }
  }

  /**
   * Parses {@code "r5"}.
   *
   * @throws IllegalArgumentException if the text is not a letter n/r/w/b followed by a decimal
   *     domid
   */
  public static Permission parse(String text) {
    if (text.length() < 2 || text.length() > 6) {
      throw new IllegalArgumentException("not a xenstore permission: \"" + text + "\"");
    }
    Access a = switch (text.charAt(0)) {
      case 'n' -> Access.NONE;
      case 'r' -> Access.READ;
      case 'w' -> Access.WRITE;
      case 'b' -> Access.BOTH;
      default -> throw new IllegalArgumentException("not a xenstore permission: \"" + text + "\"");
    };
    int domid = 0;
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("not a xenstore permission: \"" + text + "\"");
      }
      domid = domid * 10 + (c - '0');
    }
    if (domid > 0xffff) {
      throw new IllegalArgumentException("domid too large in xenstore permission \"" + text + "\"");
    }
    return new Permission(domid, a);
  }

  @Override
  public String toString() {
    return access.letter + Integer.toString(domid);
  }
}
