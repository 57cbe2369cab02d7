package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoggingTest {

  @Test
  void aLevelAloneIsTheDefault_caseInsensitive() throws Exception {
    assertEquals("debug", BootArguments.parse(Kernel.STANDARD_KEYS, "--logs=DEBUG").get(Logging.LOGS));
    assertEquals("warn", Logging.normalise("*:Warn"));
  }

  @Test
  void sourcesTakeTheirOwnLevels() {
    assertEquals(
        "info,io.morgana.net.tcpip:debug,io.morgana.xen:trace",
        Logging.normalise("info,io.morgana.net.tcpip:DEBUG,io.morgana.xen:trace"));
  }

  @Test
  void malformedSpecsNameTheBadPart() {
    for (String[] bad :
        new String[][] {
          {"", "empty"},
          {"loud", "'loud'"},
          {"info,", "''"},
          {"io.morgana:loud", "'io.morgana:loud'"},
          {"io..morgana:info", "'io..morgana'"},
          {":info", "''"},
        }) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Logging.normalise(bad[0]));
      assertTrue(e.getMessage().contains(bad[1]), bad[0] + " -> " + e.getMessage());
    }
    BootArgumentException e =
        assertThrows(BootArgumentException.class, () -> BootArguments.parse(Kernel.STANDARD_KEYS, "--logs=info,x:y"));
    assertTrue(e.getMessage().contains("--logs") && e.getMessage().contains("'info,x:y'"), e.getMessage());
  }

  @Test
  void configureSetsTheDefaultAndPerSourceLevelsOfSlf4jSimple() {
    String defaultKey = "org.slf4j.simpleLogger.defaultLogLevel";
    String sourceKey = "org.slf4j.simpleLogger.log.io.morgana.loggingtest";
    String previous = System.getProperty(defaultKey);
    try {
      Logging.configure("warn,io.morgana.loggingtest:trace");
      assertEquals("warn", System.getProperty(defaultKey));
      assertEquals("trace", System.getProperty(sourceKey));
      assertEquals("System.err", System.getProperty("org.slf4j.simpleLogger.logFile"));
    } finally {
      System.clearProperty(sourceKey);
      if (previous == null) {
        System.clearProperty(defaultKey);
      } else {
        System.setProperty(defaultKey, previous);
      }
    }
  }
}
