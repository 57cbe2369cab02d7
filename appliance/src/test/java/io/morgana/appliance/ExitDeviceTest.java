package io.morgana.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link ExitDevice}: {@code morgana.exit=isa-debug-exit:PORT} and the value QEMU turns into its status. */
class ExitDeviceTest {

  @Test
  void theIsaDebugExitPort_inHexOrDecimal() {
    assertEquals(new ExitDevice(0xf4), ExitDevice.parse("isa-debug-exit:0xf4"));
    assertEquals(new ExitDevice(0x501), ExitDevice.parse("isa-debug-exit:1281"));
  }

  @Test
  void anotherDevice_aMalformedPort_orOneOutOfRange_isRefusedQuotingTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExitDevice.parse("pvpanic:0x505")).getMessage()
        .contains("morgana.exit=pvpanic:0x505: expected isa-debug-exit:PORT"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExitDevice.parse("isa-debug-exit:")).getMessage()
        .contains("not a number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExitDevice.parse("isa-debug-exit:0x10000")).getMessage()
        .contains("not in 0..0xffff"));
  }

  @Test
  void findReadsTheLastMorganaExit_beforeALoneDoubleDash_ignoringEverythingElse() {
    assertEquals(Optional.empty(), ExitDevice.find("console=ttyS0 morgana.dhcp"));
    assertEquals(Optional.of(new ExitDevice(0xf4)),
        ExitDevice.find("morgana.exit=isa-debug-exit:0x501 morgana.=broken morgana.exit=\"isa-debug-exit:0xf4\"\n"));
    assertEquals(Optional.empty(), ExitDevice.find("quiet -- morgana.exit=isa-debug-exit:0xf4"));
  }

  @Test
  void statusZeroIsNotWritten_successIsAPowerOff() {
    assertThrows(IllegalArgumentException.class, () -> ExitDevice.value(0));
  }

  /** QEMU exits with {@code (v << 1) | 1} in 8 bits and {@code appliance/boot} reports {@code >> 1}. */
  @Property
  void everyNonZeroStatusSurvivesTheRoundTripThroughQemu_orBecomes127(@ForAll @IntRange(min = -300, max = 300) int status) {
    if (status == 0) {
      return;
    }
    int qemu = ((ExitDevice.value(status) << 1) | 1) & 0xff;
    int reported = qemu >> 1;
    assertTrue(reported != 0, "a failure never reads as success");
    assertEquals(status >= 1 && status <= 127 ? status : 127, reported);
  }
}
