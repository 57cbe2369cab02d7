package io.morgana.xen.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The node operations of XenStore (Xen {@code docs/misc/xenstore.txt}), shared by the store
 * itself and by a {@link XenStoreTransaction}, asynchronous: each sends one request and returns
 * at once; the stage completes <b>on the kernel loop</b> when the reply arrives, exceptionally
 * with a {@link XenStoreException} ({@code ENOENT}, {@code EACCES}, ...) on an error reply or a
 * {@link XenStoreTimeoutException} when none comes within the client's timeout (on the loop's
 * clock). Nothing here ever waits: a driver on the loop composes the stages. Paths are absolute
 * ({@code /local/domain/0/...}) or relative to the caller's domain path; allowed characters are
 * alphanumerics and {@code -/_@}. Any thread; a call made off the loop is handed to it.
 *
 * <p>Application threads that want to wait use {@link XenStore#blocking()}.
 */
public interface XenStoreOps {

  /** {@code XS_READ}: the node's value. */
  CompletionStage<byte[]> readBytes(String path);

  /** {@code XS_READ}, the value as a string. */
  default CompletionStage<String> read(String path) {
    return readBytes(path).thenApply(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** {@code XS_READ}, or empty if the node does not exist ({@code ENOENT}). */
  default CompletionStage<Optional<String>> readIfExists(String path) {
    return read(path).handle((v, e) -> {
      if (e == null) {
        return Optional.of(v);
      }
      Throwable cause = XenStoreException.unwrap(e);
      if (cause instanceof XenStoreException x && x.isNoSuchNode()) {
        return Optional.empty();
      }
      throw XenStoreException.propagate(cause);
    });
  }

  /** {@code XS_WRITE}: sets the node's value, creating it and missing parents. */
  CompletionStage<Void> write(String path, byte[] value);

  /** {@code XS_WRITE} of a string (UTF-8; numbers in decimal). */
  default CompletionStage<Void> write(String path, String value) {
    return write(path, value.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code XS_MKDIR}: creates the node with an empty value if it does not exist. */
  CompletionStage<Void> mkdir(String path);

  /** {@code XS_RM}: removes the node and everything below; fine if it is absent but its parent exists. */
  CompletionStage<Void> rm(String path);

  /** {@code XS_DIRECTORY} (or {@code XS_DIRECTORY_PART} for long lists): the names of the children. */
  CompletionStage<List<String>> directory(String path);

  /** {@code XS_GET_PERMS}: owner entry first. */
  CompletionStage<List<Permission>> getPerms(String path);

  /** {@code XS_SET_PERMS}: the first entry becomes the owner. Only the owner or dom0 may. */
  CompletionStage<Void> setPerms(String path, List<Permission> perms);
}
