package io.morgana.xen.store;

import io.morgana.xen.store.wire.XsError;
import io.morgana.xen.store.wire.XsHeader;

/**
 * Path rules of Xen {@code docs/misc/xenstore.txt}: alphanumerics and {@code -/_@}, no trailing
 * or double slash, absolute paths at most {@code XENSTORE_ABS_PATH_MAX} (3072) characters,
 * relative ones {@code XENSTORE_REL_PATH_MAX} (2048); {@code @introduceDomain} and {@code
 * @releaseDomain} are special watch paths.
 */
public final class XenStorePaths {

  /** The special watch path fired when a domain is introduced. */
  public static final String INTRODUCE_DOMAIN = "@introduceDomain";

  /** The special watch path fired when a domain is released. */
  public static final String RELEASE_DOMAIN = "@releaseDomain";

  private XenStorePaths() {}

  /** Whether {@code path} obeys the rules (special paths count as valid). */
  public static boolean isValid(String path) {
    return problem(path) == null;
  }

  /**
   * Checks {@code path}.
   *
   * @throws XenStoreException {@code EINVAL} saying what is wrong
   */
  public static String check(String path) {
    String p = problem(path);
    if (p != null) {
      throw new XenStoreException(XsError.EINVAL, p);
    }
    return path;
  }

  /** {@code /local/domain/<domid>}. */
  public static String domainPath(int domid) {
    return "/local/domain/" + domid;
  }

  /** {@code parent + "/" + child} (no double slash below the root). */
  public static String join(String parent, String child) {
    return parent.endsWith("/") ? parent + child : parent + "/" + child;
  }

  private static String problem(String path) {
    if (path == null || path.isEmpty()) {
      return "empty xenstore path";
    }
    if (path.equals(INTRODUCE_DOMAIN) || path.equals(RELEASE_DOMAIN)) {
      return null;
    }
    boolean absolute = path.charAt(0) == '/';
    int max = absolute ? XsHeader.ABS_PATH_MAX : XsHeader.REL_PATH_MAX;
    if (path.length() > max) {
      return (absolute ? "absolute" : "relative") + " xenstore path of " + path.length()
          + " characters exceeds " + (absolute ? "XENSTORE_ABS_PATH_MAX " : "XENSTORE_REL_PATH_MAX ") + max;
    }
    if (path.length() > 1 && path.endsWith("/")) {
      return "trailing slash in xenstore path \"" + path + "\"";
    }
    if (path.contains("//")) {
      return "double slash in xenstore path \"" + path + "\"";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '/' || c == '_' || c == '@';
      if (!ok) {
        return "character " + (c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : "'" + c + "'")
            + " not allowed in xenstore path";
      }
    }
    return null;
  }
}
