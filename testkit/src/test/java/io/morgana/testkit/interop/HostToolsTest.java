package io.morgana.testkit.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class HostToolsTest {

  private final String saved = System.getProperty(HostTools.INTEROP_PROPERTY);

  @AfterEach
  void restoreProperty() {
    if (saved == null) {
      System.clearProperty(HostTools.INTEROP_PROPERTY);
    } else {
      System.setProperty(HostTools.INTEROP_PROPERTY, saved);
    }
  }

  @Test
  void findsCommandsOnPathAndInSbin() {
    assertTrue(HostTools.find("sh").isPresent(), "sh is on every Linux PATH");
    assertTrue(HostTools.find("/bin/sh").isPresent());
    assertTrue(HostTools.find("no-such-command-morgana").isEmpty());
  }

  @Test
  void missingCommandSkipsNamingItAndItsPackage() {
    System.setProperty(HostTools.INTEROP_PROPERTY, "optional");
    TestAbortedException e = assertThrows(TestAbortedException.class,
        () -> HostTools.require("sh", "mcopy-not-here", "no-such-command-morgana"));
    assertTrue(e.getMessage().contains("mcopy-not-here"), e.getMessage());
    assertTrue(e.getMessage().contains("no-such-command-morgana"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install"), e.getMessage());
  }

  @Test
  void missingCommandFailsWhenInteropIsRequired() {
    System.setProperty(HostTools.INTEROP_PROPERTY, "required");
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> HostTools.require("no-such-command-morgana"));
    assertTrue(e.getMessage().contains("no-such-command-morgana"), e.getMessage());
  }

  @Test
  void presentCommandsPassSilently() {
    System.setProperty(HostTools.INTEROP_PROPERTY, "required");
    HostTools.require("sh");
  }

  @Test
  void debianPackageHintsForKnownCommands() {
    assertEquals("mtools", HostTools.debianPackage("mcopy"));
    assertEquals("dosfstools", HostTools.debianPackage("/usr/sbin/fsck.fat"));
    assertEquals("iproute2", HostTools.debianPackage("ip"));
    assertTrue(HostTools.debianPackage("frobnicate").contains("frobnicate"));
  }

  @Test
  void rootIsTheEffectiveUidReportedById() throws IOException, InterruptedException {
    HostTools.require("id");
    Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertEquals(0, p.waitFor());
    assertEquals(uid.equals("0"), HostTools.isRoot());
    if (!HostTools.isRoot()) {
      System.setProperty(HostTools.INTEROP_PROPERTY, "optional");
      TestAbortedException e = assertThrows(TestAbortedException.class, HostTools::requireRoot);
      assertNotNull(e.getMessage());
    } else {
      HostTools.requireRoot();
    }
  }
}
