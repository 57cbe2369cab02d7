package io.morgana.net.dhcp.wire;

/**
 * The fixed part of a DHCP message (RFC 2131 §2, Figure 1), as offsets from its start:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 * +---------------+---------------+---------------+---------------+
 * |                            xid (4)                            |
 * +-------------------------------+-------------------------------+
 * |           secs (2)            |           flags (2)           |
 * +-------------------------------+-------------------------------+
 * |                          ciaddr  (4)                          |
 * |                          yiaddr  (4)                          |
 * |                          siaddr  (4)                          |
 * |                          giaddr  (4)                          |
 * |                          chaddr  (16)                         |
 * |                          sname   (64)                         |
 * |                          file    (128)                        |
 * |                     magic cookie 99.130.83.99                 |
 * |                          options (variable)                   |
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class DhcpPacket {

  public static final int OP_OFFSET = 0;
  public static final int HTYPE_OFFSET = 1;
  public static final int HLEN_OFFSET = 2;
  public static final int HOPS_OFFSET = 3;
  public static final int XID_OFFSET = 4;
  public static final int SECS_OFFSET = 8;
  public static final int FLAGS_OFFSET = 10;
  public static final int CIADDR_OFFSET = 12;
  public static final int YIADDR_OFFSET = 16;
  public static final int SIADDR_OFFSET = 20;
  public static final int GIADDR_OFFSET = 24;
  public static final int CHADDR_OFFSET = 28;
  public static final int CHADDR_LENGTH = 16;
  public static final int SNAME_OFFSET = 44;
  public static final int SNAME_LENGTH = 64;
  public static final int FILE_OFFSET = 108;
  public static final int FILE_LENGTH = 128;
  public static final int COOKIE_OFFSET = 236;
  public static final int OPTIONS_OFFSET = 240;

  /** The fixed part and the cookie: the shortest message that can be parsed. */
  public static final int MIN_LENGTH = OPTIONS_OFFSET;

  /** The magic cookie, 99.130.83.99 (RFC 2131 §3). */
  public static final int MAGIC_COOKIE = 0x6382_5363;

  /** {@code op}: a message from a client. */
  public static final int BOOTREQUEST = 1;

  /** {@code op}: a message from a server. */
  public static final int BOOTREPLY = 2;

  /** {@code htype} of Ethernet (RFC 1700). */
  public static final int HTYPE_ETHERNET = 1;

  /** The broadcast bit of {@code flags} (RFC 2131 §2, Figure 2). */
  public static final int FLAG_BROADCAST = 0x8000;

  /** The server's port. */
  public static final int SERVER_PORT = 67;

  /** The client's port. */
  public static final int CLIENT_PORT = 68;

  /** The smallest message every DHCP participant must accept (RFC 2131 §2: 576-byte datagrams). */
  public static final int MIN_MESSAGE_SIZE = 576 - 28;

  private DhcpPacket() {}
}
