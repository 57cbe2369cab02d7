package io.morgana.net.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PacketConfigTest {

  @Test
  void parseNet_packetPrefixAndAValidName() {
    assertEquals("eth0", PacketConfig.parseNet("packet:eth0"));
    assertEquals("a23456789012345", PacketConfig.parseNet("packet:a23456789012345"));
  }

  @Test
  void parseNet_otherDevicesAndBadNames_refusedQuotingTheText() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseNet("tap:tap0"));
    assertTrue(e.getMessage().contains("packet:IFACE") && e.getMessage().contains("tap:tap0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseNet("packet:"));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseNet("packet:a234567890123456"));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseNet("packet:eth/0"));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseNet("packet:eth 0"));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseNet("packet:.."));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseNet(null));
  }

  @Test
  void parseMac_unicastOnly() {
    assertEquals(MacAddress.parse("02:00:5e:10:00:01"), PacketConfig.parseMac("02:00:5e:10:00:01"));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseMac("01:00:5e:00:00:01"));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseMac("00:00:00:00:00:00"));
    assertThrows(IllegalArgumentException.class, () -> PacketConfig.parseMac("not-a-mac"));
  }

  @Test
  void retireTimeout_oneToAThousandMilliseconds() {
    assertEquals(1, PacketConfig.of("eth0").retireTimeoutMillis());
    assertThrows(IllegalArgumentException.class, () -> new PacketConfig("eth0", Optional.empty(), TpacketVersion.V3, 0));
    assertThrows(IllegalArgumentException.class, () -> new PacketConfig("eth0", Optional.empty(), TpacketVersion.V3, 1001));
    assertEquals(1000, new PacketConfig("eth0", Optional.empty(), TpacketVersion.V3, 1000).retireTimeoutMillis());
  }

  @Test
  void ringVersion_parsedFromV2OrV3_v2ByDefault() {
    assertEquals(TpacketVersion.V2, PacketConfig.of("eth0").version());
    assertEquals(TpacketVersion.V2, TpacketVersion.parse("v2"));
    assertEquals(TpacketVersion.V3, TpacketVersion.parse("v3"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TpacketVersion.parse("v1"));
    assertTrue(e.getMessage().contains("v2 or v3") && e.getMessage().contains("v1"), e.getMessage());
    assertEquals(TpacketVersion.V3, PacketConfig.of("eth0").withVersion(TpacketVersion.V3).version());
  }
}
