package io.morgana.xen.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The node operations of {@link XenStoreOps} in blocking form, shared by {@link
 * BlockingXenStore} and its transactions: for application threads only (they fail at once on a
 * kernel loop thread).
 */
public interface BlockingXenStoreOps {

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
      if (e.isNoSuchNode()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@code XS_WRITE}: sets the node's value, creating it and missing parents. */
  void write(String path, byte[] value);

  /** {@code XS_WRITE} of a string. */
  default void write(String path, String value) {
    write(path, value.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code XS_MKDIR}. */
  void mkdir(String path);

  /** {@code XS_RM}. */
  void rm(String path);

  /** {@code XS_DIRECTORY}. */
  List<String> directory(String path);

  /** {@code XS_GET_PERMS}. */
  List<Permission> getPerms(String path);

  /** {@code XS_SET_PERMS}. */
  void setPerms(String path, List<Permission> perms);
}
