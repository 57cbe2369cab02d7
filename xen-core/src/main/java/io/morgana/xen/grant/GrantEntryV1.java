package io.morgana.xen.grant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The layout and numbers of {@code struct grant_entry_v1} ({@code /usr/include/xen/grant_table.h}),
 * and atomic access to an entry inside a grant table segment.
 *
 * <pre>
 *  0               2               4                               8
 * +---------------+---------------+-------------------------------+
 * |  flags (u16)  |  domid (u16)  |          frame (u32)          |
 * +---------------+---------------+-------------------------------+
 * </pre>
 *
 * Little-endian (the guest's order on x86); 512 entries per 4096-byte table page.
 */
public final class GrantEntryV1 {

  /** {@code sizeof(struct grant_entry_v1)}. */
  public static final int SIZE = 8;
  /** {@code offsetof(flags)}, u16. */
  public static final int FLAGS_OFFSET = 0;
  /** {@code offsetof(domid)}, u16. */
  public static final int DOMID_OFFSET = 2;
  /** {@code offsetof(frame)}, u32. */
  public static final int FRAME_OFFSET = 4;
  /** Entries per 4096-byte grant table page. */
  public static final int ENTRIES_PER_PAGE = 4096 / SIZE;

  /** {@code GNTTAB_NR_RESERVED_ENTRIES}: refs 0..7 are the toolstack's. */
  public static final int NR_RESERVED_ENTRIES = 8;
  /** {@code GNTTAB_RESERVED_CONSOLE}. */
  public static final int RESERVED_CONSOLE = 0;
  /** {@code GNTTAB_RESERVED_XENSTORE}. */
  public static final int RESERVED_XENSTORE = 1;

  /** {@code GTF_invalid}: type, no access. */
  public static final int GTF_INVALID = 0;
  /** {@code GTF_permit_access}: type, {@code domid} may map or copy {@code frame}. */
  public static final int GTF_PERMIT_ACCESS = 1;
  /** {@code GTF_accept_transfer}. */
  public static final int GTF_ACCEPT_TRANSFER = 2;
  /** {@code GTF_transitive}. */
  public static final int GTF_TRANSITIVE = 3;
  /** {@code GTF_type_mask}. */
  public static final int GTF_TYPE_MASK = 3;
  /** {@code GTF_readonly} (bit 2): the grantee may not write. */
  public static final int GTF_READONLY = 1 << 2;
  /** {@code GTF_reading} (bit 3), set by Xen while the grantee maps or reads the page. */
  public static final int GTF_READING = 1 << 3;
  /** {@code GTF_writing} (bit 4), set by Xen while the grantee maps the page writable. */
  public static final int GTF_WRITING = 1 << 4;

  /** {@code GNTST_okay}. */
  public static final int GNTST_OKAY = 0;
  /** {@code GNTST_general_error}. */
  public static final int GNTST_GENERAL_ERROR = -1;
  /** {@code GNTST_bad_domain}. */
  public static final int GNTST_BAD_DOMAIN = -2;
  /** {@code GNTST_bad_gntref}. */
  public static final int GNTST_BAD_GNTREF = -3;
  /** {@code GNTST_bad_handle}. */
  public static final int GNTST_BAD_HANDLE = -4;
  /** {@code GNTST_permission_denied}. */
  public static final int GNTST_PERMISSION_DENIED = -8;
  /** {@code GNTST_bad_page}. */
  public static final int GNTST_BAD_PAGE = -9;
  /** {@code GNTST_bad_copy_arg}. */
  public static final int GNTST_BAD_COPY_ARG = -10;
  /** {@code GNTST_eagain}. */
  public static final int GNTST_EAGAIN = -12;
  /** {@code GNTST_no_space}. */
  public static final int GNTST_NO_SPACE = -13;

  /** {@code DOMID_SELF}. */
  public static final int DOMID_SELF = 0x7ff0;
  /** {@code DOMID_INVALID}. */
  public static final int DOMID_INVALID = 0x7ff4;

  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;
  private static final VarHandle FLAGS = U16.varHandle();
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private GrantEntryV1() {}

  /** Reads the flags of entry {@code ref} with acquire semantics (Xen may change them). */
  public static int flags(MemorySegment table, int ref) {
    return Short.toUnsignedInt((short) FLAGS.getAcquire(table, offset(ref)));
  }

  /**
   * Compare-and-swaps the flags of entry {@code ref}, as Xen and the guest both do. Java offers
   * no 16-bit compare-and-swap on native memory, so this swaps the aligned 32-bit word of {@code
   * flags} and {@code domid} (flags in its low half, little-endian), keeping {@code domid}.
   */
  public static boolean compareAndSetFlags(MemorySegment table, int ref, int expected, int value) {
    long at = offset(ref);
    while (true) {
      int word = (int) INT.getVolatile(table, at);
      if ((word & 0xffff) != (expected & 0xffff)) {
        return false;
      }
      int replaced = (word & 0xffff_0000) | (value & 0xffff);
      if (INT.compareAndSet(table, at, word, replaced)) {
        return true;
      }
      // domid or flags changed under us: look again
    }
  }

  /** The {@code domid} of entry {@code ref}. */
  public static int domid(MemorySegment table, int ref) {
    return Short.toUnsignedInt(table.get(U16, offset(ref) + DOMID_OFFSET));
  }

  /** The {@code frame} of entry {@code ref}, unsigned. */
  public static long frame(MemorySegment table, int ref) {
    return Integer.toUnsignedLong((int) INT.getAcquire(table, offset(ref) + FRAME_OFFSET));
  }

  /**
   * Fills entry {@code ref} in the order the header prescribes: {@code domid}, {@code frame}, a
   * write barrier, then {@code flags}.
   */
  public static void grant(MemorySegment table, int ref, int domid, long frame, boolean readOnly) {
    long at = offset(ref);
    table.set(U16, at + DOMID_OFFSET, (short) domid);
    table.set(ValueLayout.JAVA_INT, at + FRAME_OFFSET, (int) frame);
    FLAGS.setRelease(table, at, (short) (GTF_PERMIT_ACCESS | (readOnly ? GTF_READONLY : 0)));
  }

  /** The byte offset of entry {@code ref} in its table. */
  public static long offset(int ref) {
    return (long) Integer.toUnsignedLong(ref) * SIZE;
  }

  /** The {@code GNTST_*} name of {@code status}, for messages. */
  public static String statusName(int status) {
    return switch (status) {
      case GNTST_OKAY -> "GNTST_okay";
      case GNTST_GENERAL_ERROR -> "GNTST_general_error";
      case GNTST_BAD_DOMAIN -> "GNTST_bad_domain";
      case GNTST_BAD_GNTREF -> "GNTST_bad_gntref";
      case GNTST_BAD_HANDLE -> "GNTST_bad_handle";
      case GNTST_PERMISSION_DENIED -> "GNTST_permission_denied";
      case GNTST_BAD_PAGE -> "GNTST_bad_page";
      case GNTST_BAD_COPY_ARG -> "GNTST_bad_copy_arg";
      case GNTST_EAGAIN -> "GNTST_eagain";
      case GNTST_NO_SPACE -> "GNTST_no_space";
      default -> "GNTST " + status;
    };
  }
}
