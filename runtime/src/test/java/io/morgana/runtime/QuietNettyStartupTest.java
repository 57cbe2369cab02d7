package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Kernel#boot} turns Netty's JFR events off by default, and leaves an explicit choice alone. */
class QuietNettyStartupTest {

  private static final String KEY = "io.netty.jfr.enabled";
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(KEY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(KEY);
    } else {
      System.setProperty(KEY, saved);
    }
  }

  @Test
  void unset_becomesFalse() {
    System.clearProperty(KEY);
    Kernel.quietNettyStartup();
    assertEquals("false", System.getProperty(KEY));
  }

  @Test
  void givenOnTheCommandLine_isKept() {
    System.setProperty(KEY, "true");
    Kernel.quietNettyStartup();
    assertEquals("true", System.getProperty(KEY));
  }
}
