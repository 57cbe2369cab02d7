package io.morgana.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import io.morgana.runtime.BootArgumentException;
import io.morgana.runtime.BootArguments;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TapConfigTest {

  @Test
  void parseNet_takesTheNameAfterTap() {
    assertEquals("tap0", TapConfig.parseNet("tap:tap0"));
    assertEquals("morgana%d", TapConfig.parseNet("tap:morgana%d"));
    assertEquals("a23456789012345", TapConfig.parseNet("tap:a23456789012345"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "tap0", "tap:", "tun:tap0", "TAP:tap0", "tap:a234567890123456", "tap:a/b", "tap:a:b",
        "tap:a b", "tap:.", "tap:..", "tap:tab\there", "tap:é"
      })
  void parseNet_refusesAnythingElseQuotingIt(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TapConfig.parseNet(text));
    assertTrue(e.getMessage().contains("\""), e.getMessage());
  }

  @Test
  void bootKeys_defaultToTap0AndARandomMac() {
    BootArguments args = BootArguments.defaults(TapNetifModule.KEYS);
    assertEquals("tap0", args.get(TapNetifModule.NET));
    assertEquals(Optional.empty(), args.get(TapNetifModule.MAC));
  }

  @Test
  void bootKeys_tapOffloadIsOffByDefault_andTheFlagTurnsItOn() throws BootArgumentException {
    assertEquals(false, BootArguments.defaults(TapNetifModule.KEYS).get(TapNetifModule.OFFLOAD));
    assertEquals(false, TapConfig.of("tap0").offload());
    BootArguments args = BootArguments.parse(TapNetifModule.KEYS, "--net=tap:mg0", "--tap-offload");
    assertEquals(true, args.get(TapNetifModule.OFFLOAD));
  }

  @Test
  void bootKeys_readNetAndMac() throws BootArgumentException {
    BootArguments args =
        BootArguments.parse(TapNetifModule.KEYS, "--net=tap:mg0", "--mac=02:00:5e:10:00:01");
    assertEquals("mg0", args.get(TapNetifModule.NET));
    assertEquals(Optional.of(MacAddress.parse("02:00:5e:10:00:01")), args.get(TapNetifModule.MAC));
  }

  @Test
  void bootKeys_refuseAMalformedNetQuotingTheText() {
    BootArgumentException e =
        assertThrows(
            BootArgumentException.class,
            () -> BootArguments.parse(TapNetifModule.KEYS, "--net=eth0"));
    assertTrue(e.getMessage().contains("eth0"), e.getMessage());
    assertTrue(e.getMessage().contains("tap:NAME"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "03:00:00:00:00:01", "00:00:00:00:00:00"})
  void bootKeys_refuseAGroupOrZeroMacQuotingIt(String mac) {
    BootArgumentException e =
        assertThrows(
            BootArgumentException.class,
            () -> BootArguments.parse(TapNetifModule.KEYS, "--mac=" + mac));
    assertTrue(e.getMessage().contains(mac), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new TapConfig("tap0", Optional.of(MacAddress.parse(mac))));
  }

  @Test
  void bootKeys_refuseAMalformedMac() {
    BootArgumentException e =
        assertThrows(
            BootArgumentException.class,
            () -> BootArguments.parse(TapNetifModule.KEYS, "--mac=02:00:5e"));
    assertTrue(e.getMessage().contains("02:00:5e"), e.getMessage());
  }
}
