package io.morgana.net.packet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.net.packet.internal.PacketAbi.BlockDesc;
import io.morgana.net.packet.internal.PacketAbi.Hdr3;
import io.morgana.net.packet.internal.PacketAbi.Mreq;
import io.morgana.net.packet.internal.PacketAbi.Req3;
import io.morgana.net.packet.internal.PacketAbi.SockaddrLl;
import io.morgana.net.packet.internal.PacketAbi.StatsV3;
import io.morgana.runtime.nativeio.Libc;
import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every number and offset of {@link PacketAbi} (and the {@code AF_PACKET} constants in {@link
 * Libc}) against the Linux headers installed on this machine ({@code <linux/if_packet.h>}, {@code
 * <linux/if_ether.h>}, {@code <sys/socket.h>}), compiled with gcc: {@code offsetof} and {@code
 * sizeof} of {@code struct tpacket_req3}, {@code tpacket_block_desc}/{@code tpacket_hdr_v1},
 * {@code tpacket3_hdr}, {@code tpacket2_hdr}, {@code sockaddr_ll}, {@code tpacket_stats_v3} and {@code packet_mreq}, and
 * the option, version and status values.
 */
class PacketAbiConformanceTest {

  @Test
  void layoutsAndConstantsMatchTheLinuxHeaders(@TempDir Path dir) throws Exception {
    HostTools.require("gcc");
    Map<String, Long> ours = new LinkedHashMap<>();
    ours.put("sizeof(struct tpacket_req3)", (long) Req3.SIZE);
    ours.put("offsetof(struct tpacket_req3, tp_block_size)", (long) Req3.BLOCK_SIZE_OFFSET);
    ours.put("offsetof(struct tpacket_req3, tp_block_nr)", (long) Req3.BLOCK_NR_OFFSET);
    ours.put("offsetof(struct tpacket_req3, tp_frame_size)", (long) Req3.FRAME_SIZE_OFFSET);
    ours.put("offsetof(struct tpacket_req3, tp_frame_nr)", (long) Req3.FRAME_NR_OFFSET);
    ours.put("offsetof(struct tpacket_req3, tp_retire_blk_tov)", (long) Req3.RETIRE_BLK_TOV_OFFSET);
    ours.put("offsetof(struct tpacket_req3, tp_sizeof_priv)", (long) Req3.SIZEOF_PRIV_OFFSET);
    ours.put("offsetof(struct tpacket_req3, tp_feature_req_word)", (long) Req3.FEATURE_REQ_WORD_OFFSET);

    ours.put("sizeof(struct tpacket_block_desc)", (long) BlockDesc.SIZE);
    ours.put("offsetof(struct tpacket_block_desc, version)", (long) BlockDesc.VERSION_OFFSET);
    ours.put("offsetof(struct tpacket_block_desc, hdr.bh1.block_status)", (long) BlockDesc.BLOCK_STATUS_OFFSET);
    ours.put("offsetof(struct tpacket_block_desc, hdr.bh1.num_pkts)", (long) BlockDesc.NUM_PKTS_OFFSET);
    ours.put("offsetof(struct tpacket_block_desc, hdr.bh1.offset_to_first_pkt)", (long) BlockDesc.OFFSET_TO_FIRST_PKT_OFFSET);
    ours.put("offsetof(struct tpacket_block_desc, hdr.bh1.blk_len)", (long) BlockDesc.BLK_LEN_OFFSET);
    ours.put("offsetof(struct tpacket_block_desc, hdr.bh1.seq_num)", (long) BlockDesc.SEQ_NUM_OFFSET);

    ours.put("sizeof(struct tpacket3_hdr)", (long) Hdr3.SIZE);
    ours.put("offsetof(struct tpacket3_hdr, tp_next_offset)", (long) Hdr3.NEXT_OFFSET_OFFSET);
    ours.put("offsetof(struct tpacket3_hdr, tp_sec)", (long) Hdr3.SEC_OFFSET);
    ours.put("offsetof(struct tpacket3_hdr, tp_nsec)", (long) Hdr3.NSEC_OFFSET);
    ours.put("offsetof(struct tpacket3_hdr, tp_snaplen)", (long) Hdr3.SNAPLEN_OFFSET);
    ours.put("offsetof(struct tpacket3_hdr, tp_len)", (long) Hdr3.LEN_OFFSET);
    ours.put("offsetof(struct tpacket3_hdr, tp_status)", (long) Hdr3.STATUS_OFFSET);
    ours.put("offsetof(struct tpacket3_hdr, tp_mac)", (long) Hdr3.MAC_OFFSET);
    ours.put("offsetof(struct tpacket3_hdr, tp_net)", (long) Hdr3.NET_OFFSET);
    ours.put("TPACKET3_HDRLEN", (long) Hdr3.TPACKET3_HDRLEN);
    ours.put("TPACKET_ALIGN(sizeof(struct tpacket3_hdr))", (long) Hdr3.SOCKADDR_OFFSET);
    ours.put("TPACKET_ALIGNMENT", (long) PacketAbi.TPACKET_ALIGNMENT);

    ours.put("sizeof(struct tpacket2_hdr)", (long) PacketAbi.Hdr2.SIZE);
    ours.put("offsetof(struct tpacket2_hdr, tp_status)", (long) PacketAbi.Hdr2.STATUS_OFFSET);
    ours.put("offsetof(struct tpacket2_hdr, tp_len)", (long) PacketAbi.Hdr2.LEN_OFFSET);
    ours.put("offsetof(struct tpacket2_hdr, tp_snaplen)", (long) PacketAbi.Hdr2.SNAPLEN_OFFSET);
    ours.put("offsetof(struct tpacket2_hdr, tp_mac)", (long) PacketAbi.Hdr2.MAC_OFFSET);
    ours.put("offsetof(struct tpacket2_hdr, tp_net)", (long) PacketAbi.Hdr2.NET_OFFSET);
    ours.put("offsetof(struct tpacket2_hdr, tp_sec)", (long) PacketAbi.Hdr2.SEC_OFFSET);
    ours.put("offsetof(struct tpacket2_hdr, tp_nsec)", (long) PacketAbi.Hdr2.NSEC_OFFSET);
    ours.put("TPACKET2_HDRLEN", (long) PacketAbi.Hdr2.TPACKET2_HDRLEN);
    ours.put("TPACKET_ALIGN(sizeof(struct tpacket2_hdr))", (long) PacketAbi.Hdr2.SOCKADDR_OFFSET);

    ours.put("sizeof(struct sockaddr_ll)", (long) SockaddrLl.SIZE);
    ours.put("offsetof(struct sockaddr_ll, sll_family)", (long) SockaddrLl.FAMILY_OFFSET);
    ours.put("offsetof(struct sockaddr_ll, sll_protocol)", (long) SockaddrLl.PROTOCOL_OFFSET);
    ours.put("offsetof(struct sockaddr_ll, sll_ifindex)", (long) SockaddrLl.IFINDEX_OFFSET);
    ours.put("offsetof(struct sockaddr_ll, sll_hatype)", (long) SockaddrLl.HATYPE_OFFSET);
    ours.put("offsetof(struct sockaddr_ll, sll_pkttype)", (long) SockaddrLl.PKTTYPE_OFFSET);
    ours.put("offsetof(struct sockaddr_ll, sll_halen)", (long) SockaddrLl.HALEN_OFFSET);
    ours.put("offsetof(struct sockaddr_ll, sll_addr)", (long) SockaddrLl.ADDR_OFFSET);

    ours.put("sizeof(struct tpacket_stats_v3)", (long) StatsV3.SIZE);
    ours.put("offsetof(struct tpacket_stats_v3, tp_packets)", (long) StatsV3.PACKETS_OFFSET);
    ours.put("offsetof(struct tpacket_stats_v3, tp_drops)", (long) StatsV3.DROPS_OFFSET);
    ours.put("offsetof(struct tpacket_stats_v3, tp_freeze_q_cnt)", (long) StatsV3.FREEZE_Q_CNT_OFFSET);

    ours.put("sizeof(struct packet_mreq)", (long) Mreq.SIZE);
    ours.put("offsetof(struct packet_mreq, mr_ifindex)", (long) Mreq.IFINDEX_OFFSET);
    ours.put("offsetof(struct packet_mreq, mr_type)", (long) Mreq.TYPE_OFFSET);
    ours.put("offsetof(struct packet_mreq, mr_alen)", (long) Mreq.ALEN_OFFSET);
    ours.put("offsetof(struct packet_mreq, mr_address)", (long) Mreq.ADDRESS_OFFSET);

    ours.put("ETH_P_ALL", (long) PacketAbi.ETH_P_ALL);
    ours.put("PACKET_ADD_MEMBERSHIP", (long) PacketAbi.PACKET_ADD_MEMBERSHIP);
    ours.put("PACKET_RX_RING", (long) PacketAbi.PACKET_RX_RING);
    ours.put("PACKET_STATISTICS", (long) PacketAbi.PACKET_STATISTICS);
    ours.put("PACKET_VERSION", (long) PacketAbi.PACKET_VERSION);
    ours.put("PACKET_TX_RING", (long) PacketAbi.PACKET_TX_RING);
    ours.put("PACKET_LOSS", (long) PacketAbi.PACKET_LOSS);
    ours.put("PACKET_IGNORE_OUTGOING", (long) PacketAbi.PACKET_IGNORE_OUTGOING);
    ours.put("TPACKET_V2", (long) PacketAbi.TPACKET_V2);
    ours.put("TPACKET_V3", (long) PacketAbi.TPACKET_V3);
    ours.put("PACKET_MR_PROMISC", (long) PacketAbi.PACKET_MR_PROMISC);
    ours.put("PACKET_OUTGOING", (long) PacketAbi.PACKET_OUTGOING);
    ours.put("TP_STATUS_KERNEL", (long) PacketAbi.TP_STATUS_KERNEL);
    ours.put("TP_STATUS_USER", (long) PacketAbi.TP_STATUS_USER);
    ours.put("TP_STATUS_LOSING", (long) PacketAbi.TP_STATUS_LOSING);
    ours.put("TP_STATUS_CSUMNOTREADY", (long) PacketAbi.TP_STATUS_CSUMNOTREADY);
    ours.put("TP_STATUS_CSUM_VALID", (long) PacketAbi.TP_STATUS_CSUM_VALID);
    ours.put("TP_STATUS_AVAILABLE", (long) PacketAbi.TP_STATUS_AVAILABLE);
    ours.put("TP_STATUS_SEND_REQUEST", (long) PacketAbi.TP_STATUS_SEND_REQUEST);
    ours.put("TP_STATUS_SENDING", (long) PacketAbi.TP_STATUS_SENDING);
    ours.put("TP_STATUS_WRONG_FORMAT", (long) PacketAbi.TP_STATUS_WRONG_FORMAT);

    ours.put("AF_PACKET", (long) Libc.AF_PACKET);
    ours.put("SOCK_RAW", (long) Libc.SOCK_RAW);
    ours.put("SOL_PACKET", (long) Libc.SOL_PACKET);
    ours.put("SOL_SOCKET", (long) Libc.SOL_SOCKET);
    ours.put("MSG_DONTWAIT", (long) Libc.MSG_DONTWAIT);
    ours.put("SO_ERROR", 4L);

    StringBuilder c = new StringBuilder("""
        #include <stdio.h>
        #include <stddef.h>
        #include <sys/socket.h>
        #include <linux/if_packet.h>
        #include <linux/if_ether.h>
        int main(void) {
        """);
    for (String expression : ours.keySet()) {
      c.append("  printf(\"%s=%ld\\n\", \"").append(expression).append("\", (long)(").append(expression).append("));\n");
    }
    c.append("  return 0;\n}\n");
    Path src = dir.resolve("abi.c");
    Files.writeString(src, c);
    run(dir, "gcc", "-Wall", "-Werror", "-o", dir.resolve("abi").toString(), src.toString());
    Map<String, Long> headers = new LinkedHashMap<>();
    for (String line : run(dir, dir.resolve("abi").toString()).split("\n")) {
      int eq = line.lastIndexOf('=');
      headers.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
    }
    assertEquals(headers, ours);
  }

  private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }
}
