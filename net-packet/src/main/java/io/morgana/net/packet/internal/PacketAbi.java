package io.morgana.net.packet.internal;

/**
 * The numbers and structure layouts of Linux's {@code packet(7)} interface that {@code
 * PacketNetif} uses, from {@code <linux/if_packet.h>} and {@code <linux/if_ether.h>} on 64-bit
 * Linux (x86-64, aarch64). {@code PacketAbiConformanceTest} compiles a C program against the
 * installed headers and checks every value here against {@code offsetof}/{@code sizeof}.
 *
 * <p>Each nested class is one C structure: its {@code SIZE} and one {@code *_OFFSET} per field
 * used. All fields are host byte order (little-endian here) except {@code sll_protocol}, which is
 * network byte order.
 */
public final class PacketAbi {

  /** {@code ETH_P_ALL}: every protocol, for {@code sll_protocol} (in network byte order). */
  public static final int ETH_P_ALL = 0x0003;

  // Socket options at level SOL_PACKET.
  /** {@code PACKET_ADD_MEMBERSHIP}: takes a {@link Mreq}. */
  public static final int PACKET_ADD_MEMBERSHIP = 1;
  /** {@code PACKET_RX_RING}: takes a {@link Req3} under {@link #TPACKET_V3}. */
  public static final int PACKET_RX_RING = 5;
  /** {@code PACKET_STATISTICS}: reads (and resets) a {@link StatsV3}. */
  public static final int PACKET_STATISTICS = 6;
  /** {@code PACKET_VERSION}: the ring format, {@link #TPACKET_V3}. */
  public static final int PACKET_VERSION = 10;
  /** {@code PACKET_TX_RING}: takes a {@link Req3} (retire timeout, private size and features 0). */
  public static final int PACKET_TX_RING = 13;
  /** {@code PACKET_LOSS}: 1 = a malformed transmit frame is skipped, not left to block the ring. */
  public static final int PACKET_LOSS = 14;
  /** {@code PACKET_IGNORE_OUTGOING} (Linux 4.20): frames the host sends are not looped back to us. */
  public static final int PACKET_IGNORE_OUTGOING = 23;

  /** {@code TPACKET_V2} of {@code enum tpacket_versions}. */
  public static final int TPACKET_V2 = 1;
  /** {@code TPACKET_V3} of {@code enum tpacket_versions}. */
  public static final int TPACKET_V3 = 2;
  /** {@code TPACKET_ALIGNMENT}. */
  public static final int TPACKET_ALIGNMENT = 16;

  /** {@code PACKET_MR_PROMISC} for {@link Mreq#TYPE_OFFSET}. */
  public static final int PACKET_MR_PROMISC = 1;
  /** {@code PACKET_OUTGOING}: {@code sll_pkttype} of a frame the host itself sent. */
  public static final int PACKET_OUTGOING = 4;

  // Receive ring status bits (block_status, tp_status).
  /** {@code TP_STATUS_KERNEL}: the block belongs to the kernel. */
  public static final int TP_STATUS_KERNEL = 0;
  /** {@code TP_STATUS_USER}: the block was retired and belongs to user space. */
  public static final int TP_STATUS_USER = 1;
  /** {@code TP_STATUS_LOSING}: the kernel dropped frames since statistics were last read. */
  public static final int TP_STATUS_LOSING = 1 << 2;
  /** {@code TP_STATUS_CSUMNOTREADY}: sent by this host with its checksum left to the device. */
  public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
  /** {@code TP_STATUS_CSUM_VALID}: the device verified the checksum. */
  public static final int TP_STATUS_CSUM_VALID = 1 << 7;

  // Transmit ring status values (tp_status).
  /** {@code TP_STATUS_AVAILABLE}: the slot is free for user space. */
  public static final int TP_STATUS_AVAILABLE = 0;
  /** {@code TP_STATUS_SEND_REQUEST}: filled by user space, to be sent at the next kick. */
  public static final int TP_STATUS_SEND_REQUEST = 1;
  /** {@code TP_STATUS_SENDING}: the kernel is sending it. */
  public static final int TP_STATUS_SENDING = 1 << 1;
  /** {@code TP_STATUS_WRONG_FORMAT}: the kernel refused the frame. */
  public static final int TP_STATUS_WRONG_FORMAT = 1 << 2;

  private PacketAbi() {}

  /** Rounds up to {@link #TPACKET_ALIGNMENT}: {@code TPACKET_ALIGN(x)}. */
  public static int tpacketAlign(int x) {
    return (x + TPACKET_ALIGNMENT - 1) & ~(TPACKET_ALIGNMENT - 1);
  }

  /** {@code struct tpacket_req3}: seven {@code unsigned int}s, the geometry of a ring. */
  public static final class Req3 {
    public static final int SIZE = 28;
    public static final int BLOCK_SIZE_OFFSET = 0;
    public static final int BLOCK_NR_OFFSET = 4;
    public static final int FRAME_SIZE_OFFSET = 8;
    public static final int FRAME_NR_OFFSET = 12;
    public static final int RETIRE_BLK_TOV_OFFSET = 16;
    public static final int SIZEOF_PRIV_OFFSET = 20;
    public static final int FEATURE_REQ_WORD_OFFSET = 24;

    private Req3() {}
  }

  /**
   * {@code struct tpacket_block_desc} with its {@code struct tpacket_hdr_v1}: the header of every
   * receive block.
   *
   * <pre>
   *  0 version  4 offset_to_priv  8 block_status  12 num_pkts  16 offset_to_first_pkt
   * 20 blk_len  24 seq_num (u64)  32 ts_first_pkt (sec, nsec)  40 ts_last_pkt    48
   * </pre>
   */
  public static final class BlockDesc {
    public static final int SIZE = 48;
    public static final int VERSION_OFFSET = 0;
    public static final int BLOCK_STATUS_OFFSET = 8;
    public static final int NUM_PKTS_OFFSET = 12;
    public static final int OFFSET_TO_FIRST_PKT_OFFSET = 16;
    public static final int BLK_LEN_OFFSET = 20;
    public static final int SEQ_NUM_OFFSET = 24;

    private BlockDesc() {}
  }

  /**
   * {@code struct tpacket3_hdr}: the header before every frame of a receive block and of every
   * transmit slot.
   *
   * <pre>
   *  0 tp_next_offset  4 tp_sec  8 tp_nsec  12 tp_snaplen  16 tp_len  20 tp_status
   * 24 tp_mac (u16)  26 tp_net (u16)  28 hv1 {rxhash, vlan_tci, vlan_tpid, pad}  40 pad[8]  48
   * </pre>
   */
  public static final class Hdr3 {
    public static final int SIZE = 48;
    public static final int NEXT_OFFSET_OFFSET = 0;
    public static final int SEC_OFFSET = 4;
    public static final int NSEC_OFFSET = 8;
    public static final int SNAPLEN_OFFSET = 12;
    public static final int LEN_OFFSET = 16;
    public static final int STATUS_OFFSET = 20;
    public static final int MAC_OFFSET = 24;
    public static final int NET_OFFSET = 26;
    /**
     * {@code TPACKET3_HDRLEN}: {@code TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof(struct
     * sockaddr_ll)}, what the kernel calls {@code tp_hdrlen} for a V3 socket.
     */
    public static final int TPACKET3_HDRLEN = 68;
    /** Where the {@link SockaddrLl} after a received frame's header starts. */
    public static final int SOCKADDR_OFFSET = 48;
    /**
     * Where a transmit slot's frame starts: {@code tp_hdrlen - sizeof(struct sockaddr_ll)} (the
     * kernel's offset when {@code PACKET_TX_HAS_OFF} is off).
     */
    public static final int TX_DATA_OFFSET = TPACKET3_HDRLEN - SockaddrLl.SIZE;

    private Hdr3() {}
  }

  /**
   * {@code struct tpacket2_hdr}: the header of every frame slot of a {@code TPACKET_V2} ring,
   * receive and transmit.
   *
   * <pre>
   *  0 tp_status  4 tp_len  8 tp_snaplen  12 tp_mac (u16)  14 tp_net (u16)  16 tp_sec
   * 20 tp_nsec  24 tp_vlan_tci (u16)  26 tp_vlan_tpid (u16)  28 tp_padding[4]  32
   * </pre>
   */
  public static final class Hdr2 {
    public static final int SIZE = 32;
    public static final int STATUS_OFFSET = 0;
    public static final int LEN_OFFSET = 4;
    public static final int SNAPLEN_OFFSET = 8;
    public static final int MAC_OFFSET = 12;
    public static final int NET_OFFSET = 14;
    public static final int SEC_OFFSET = 16;
    public static final int NSEC_OFFSET = 20;
    /** {@code TPACKET2_HDRLEN}: {@code TPACKET_ALIGN(sizeof(struct tpacket2_hdr)) + sizeof(struct sockaddr_ll)}. */
    public static final int TPACKET2_HDRLEN = 52;
    /** Where the {@link SockaddrLl} after a received frame's header starts. */
    public static final int SOCKADDR_OFFSET = 32;
    /** Where a transmit slot's frame starts: {@code tp_hdrlen - sizeof(struct sockaddr_ll)}. */
    public static final int TX_DATA_OFFSET = TPACKET2_HDRLEN - SockaddrLl.SIZE;

    private Hdr2() {}
  }

  /** {@code struct sockaddr_ll}: a link-layer address, for {@code bind} and after each frame. */
  public static final class SockaddrLl {
    public static final int SIZE = 20;
    public static final int FAMILY_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 2;
    public static final int IFINDEX_OFFSET = 4;
    public static final int HATYPE_OFFSET = 8;
    public static final int PKTTYPE_OFFSET = 10;
    public static final int HALEN_OFFSET = 11;
    public static final int ADDR_OFFSET = 12;

    private SockaddrLl() {}
  }

  /** {@code struct tpacket_stats_v3}: what {@code PACKET_STATISTICS} reports under V3. */
  public static final class StatsV3 {
    public static final int SIZE = 12;
    public static final int PACKETS_OFFSET = 0;
    public static final int DROPS_OFFSET = 4;
    public static final int FREEZE_Q_CNT_OFFSET = 8;

    private StatsV3() {}
  }

  /** {@code struct packet_mreq}: for {@code PACKET_ADD_MEMBERSHIP}. */
  public static final class Mreq {
    public static final int SIZE = 16;
    public static final int IFINDEX_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int ALEN_OFFSET = 6;
    public static final int ADDRESS_OFFSET = 8;

    private Mreq() {}
  }
}
