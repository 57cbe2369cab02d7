package io.morgana.xen.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The node operations of XenStore (Xen {@code docs/misc/xenstore.txt}), shared by the store
 * itself and by a {@link XenStoreTransaction}. Paths are absolute ({@code /local/domain/0/...})
 * or relative to the caller's domain path; allowed characters are alphanumerics and {@code
 * -/_@}. Every method blocks until the server answers and throws {@link XenStoreException}
 * ({@code ENOENT}, {@code EACCES}, ...) on an error reply, {@link XenStoreTimeoutException} when
 * none comes.
 */
public interface XenStoreOps {

  /** {@code XS_READ}: the node's value. */
  byte[] readBytes(String path);

  /** {@code XS_READ}, the value as a string. */
  default String read(String path) {
    return new String(readBytes(path), StandardCharsets.UTF_8);
  }

  /** {@code XS_READ}, or empty if the node does not exist ({@code ENOENT}). */
  default Optional<String> readIfExists(String path) {
    try {
      return Optional.of(read(path));
    } catch (XenStoreException e) {
      if (e.error() == io.morgana.xen.store.wire.XsError.ENOENT && !(e instanceof XenStoreTimeoutException)
          && !(e instanceof XenStoreProtocolException)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@code XS_WRITE}: sets the node's value, creating it and missing parents. */
  void write(String path, byte[] value);

  /** {@code XS_WRITE} of a string (UTF-8; numbers in decimal). */
  default void write(String path, String value) {
    write(path, value.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code XS_MKDIR}: creates the node with an empty value if it does not exist. */
  void mkdir(String path);

  /** {@code XS_RM}: removes the node and everything below; fine if it is absent but its parent exists. */
  void rm(String path);

  /** {@code XS_DIRECTORY} (or {@code XS_DIRECTORY_PART} for long lists): the names of the children. */
  List<String> directory(String path);

  /** {@code XS_GET_PERMS}: owner entry first. */
  List<Permission> getPerms(String path);

  /** {@code XS_SET_PERMS}: the first entry becomes the owner. Only the owner or dom0 may. */
  void setPerms(String path, List<Permission> perms);
}
