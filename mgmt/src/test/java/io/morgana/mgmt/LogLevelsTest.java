package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code log-level} changes loggers that exist and loggers created later (slf4j-simple). */
class LogLevelsTest {

  @Test
  void aLevelAppliesToTheLoggerAndThoseBelowItNowAndLater() throws Exception {
    Logger existing = LoggerFactory.getLogger("test.loglevels.a.B");
    Logger outside = LoggerFactory.getLogger("test.loglevelsx.C");
    assertFalse(existing.isDebugEnabled(), "info by default in tests");
    Command cmd = BuiltinCommands.logLevel();
    CommandResult r = cmd.run(List.of("test.loglevels", "DEBUG"));
    assertTrue(r.isOk(), r.text());
    assertTrue(existing.isDebugEnabled());
    assertFalse(outside.isDebugEnabled(), "a sibling whose name only starts alike is not below it");
    assertTrue(LoggerFactory.getLogger("test.loglevels.later.D").isDebugEnabled());
    assertEquals("test.loglevels.a.B logs at debug", cmd.run(List.of("test.loglevels.a.B")).text());
    assertTrue(cmd.run(List.of("test.loglevels", "off")).isOk());
    assertFalse(existing.isErrorEnabled());
  }

  @Test
  void aLevelSetBelowWinsOverOneSetAbove() throws Exception {
    Command cmd = BuiltinCommands.logLevel();
    Logger deep = LoggerFactory.getLogger("test.order.x.Y");
    assertTrue(cmd.run(List.of("test.order.x", "trace")).isOk());
    assertTrue(cmd.run(List.of("test.order", "error")).isOk());
    assertTrue(deep.isTraceEnabled());
    assertFalse(LoggerFactory.getLogger("test.order.Z").isWarnEnabled());
  }
}
