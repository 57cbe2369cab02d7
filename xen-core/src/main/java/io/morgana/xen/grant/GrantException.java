package io.morgana.xen.grant;

/**
 * A grant operation refused by the hypervisor, with Xen's {@code GNTST_*} status ({@code
 * grant_table.h}), for example {@link GrantEntryV1#GNTST_PERMISSION_DENIED} for a write mapping
 * of a read-only grant or {@link GrantEntryV1#GNTST_BAD_GNTREF} for a ref outside the table.
 */
public final class GrantException extends RuntimeException {

  private final int status;

  /** A refusal with {@code status} (a negative {@code GNTST_*}) and a message saying why. */
  public GrantException(int status, String message) {
    super(message + " (" + GrantEntryV1.statusName(status) + ")");
    this.status = status;
  }

  /** The {@code GNTST_*} status, negative. */
  public int status() {
    return status;
  }
}
