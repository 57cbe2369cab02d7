package io.morgana.net.packet.internal;

import io.morgana.net.packet.internal.PacketAbi.Hdr2;
import io.morgana.net.packet.internal.PacketAbi.Hdr3;

/**
 * Where a transmit slot's fields and frame are, for one ring version: {@link #V2} ({@code struct
 * tpacket2_hdr}) or {@link #V3} ({@code struct tpacket3_hdr}).
 *
 * @param nextOffsetOffset {@code tp_next_offset} (V3 only, where it must be 0), or -1
 * @param dataOffset where the frame starts: {@code tp_hdrlen - sizeof(struct sockaddr_ll)}
 */
public record SlotLayout(int statusOffset, int lenOffset, int snaplenOffset, int nextOffsetOffset, int dataOffset) {

  /** {@code TPACKET_V2} slots. */
  public static final SlotLayout V2 =
      new SlotLayout(Hdr2.STATUS_OFFSET, Hdr2.LEN_OFFSET, Hdr2.SNAPLEN_OFFSET, -1, Hdr2.TX_DATA_OFFSET);

  /** {@code TPACKET_V3} slots. */
  public static final SlotLayout V3 =
      new SlotLayout(Hdr3.STATUS_OFFSET, Hdr3.LEN_OFFSET, Hdr3.SNAPLEN_OFFSET, Hdr3.NEXT_OFFSET_OFFSET, Hdr3.TX_DATA_OFFSET);
}
