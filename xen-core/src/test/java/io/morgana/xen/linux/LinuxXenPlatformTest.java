package io.morgana.xen.linux;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outside a Xen guest the Linux platform fails with one clear message. */
class LinuxXenPlatformTest {

  @Test
  void withoutXenbusOpeningFailsWithOneClearMessage(@TempDir Path noXen) {
    XenUnavailableException e = assertThrows(XenUnavailableException.class,
        () -> LinuxXenPlatform.open(new DeterministicLoop(), Duration.ofSeconds(1), noXen));
    assertTrue(e.getMessage().startsWith("not a Xen guest: " + noXen.resolve("xenbus") + " does not exist"), e.getMessage());
  }

  @Test
  void onThisMachineWithoutXenTheRealOpenFailsTheSameWay() {
    Assumptions.assumeFalse(Files.exists(Path.of("/dev/xen/xenbus")), "this machine is a Xen guest");
    XenUnavailableException e = assertThrows(XenUnavailableException.class,
        () -> LinuxXenPlatform.open(new DeterministicLoop(), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("/dev/xen/xenbus"), e.getMessage());
  }

  @Test
  void devicesThatCannotBeOpenedFailWithOneMessage(@TempDir Path fake) throws Exception {
    // A xenbus that exists but is not a device, and no evtchn: the error names what failed.
    Files.createFile(fake.resolve("xenbus"));
    XenUnavailableException e = assertThrows(XenUnavailableException.class,
        () -> LinuxXenPlatform.open(new DeterministicLoop(), Duration.ofMillis(200), fake));
    assertTrue(e.getMessage().startsWith("cannot open the Xen devices under " + fake), e.getMessage());
  }
}
