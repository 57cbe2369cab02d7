package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Names, help, arguments and failures of the {@link CommandRegistry}. */
class CommandRegistryTest {

  private final CommandRegistry registry = new CommandRegistry(Map.of(
      "echo", Command.of("echo WORDS...", "answers its arguments", args -> CommandResult.ok(String.join("|", args))),
      "boom", Command.of("boom", "throws", args -> {
        throw new java.io.IOException("disk on fire");
      }),
      "silent", Command.of("silent", "answers null", args -> null)));

  @Test
  void badNamesAndHelpAreRefusedWhenTheRegistryIsBuilt() {
    Command c = Command.of("x", "x", args -> CommandResult.ok(""));
    for (String name : new String[] {"", "Echo", "1st", "a--b", "a-", "with space", "x".repeat(33), "help"}) {
      assertThrows(IllegalArgumentException.class, () -> new CommandRegistry(Map.of(name, c)), name);
    }
  }

  @Test
  void aLineIsSplitOnSpacesAndTabs() {
    assertEquals(CommandResult.ok("a|b|c"), registry.execute("  echo a\t b   c  "));
  }

  @Test
  void anEmptyLineIsHelpWhichListsEveryCommandAlphabetically() {
    CommandResult help = registry.execute("   ");
    assertTrue(help.isOk());
    assertEquals(List.of("boom", "echo", "help", "silent"), help.text().lines().map(l -> l.split(" ")[0]).toList());
    assertEquals(List.of("boom", "echo", "help", "silent"), registry.names());
    assertEquals("echo WORDS...\n  answers its arguments", registry.execute("help echo").text());
    assertEquals(CommandResult.Outcome.UNKNOWN_COMMAND, registry.execute("help nope").outcome());
    assertEquals(CommandResult.Outcome.BAD_ARGUMENTS, registry.execute("help a b").outcome());
  }

  @Test
  void failuresAreAnswersNotExceptions() {
    CommandResult boom = registry.execute("boom");
    assertEquals(CommandResult.Outcome.FAILED, boom.outcome());
    assertEquals("boom failed: disk on fire", boom.text());
    assertEquals(CommandResult.Outcome.FAILED, registry.execute("silent").outcome());
    CommandResult unknown = registry.execute("reboot now");
    assertEquals(CommandResult.Outcome.UNKNOWN_COMMAND, unknown.outcome());
    assertTrue(unknown.text().startsWith("unknown command 'reboot'; commands: boom, echo, help, silent"));
  }

  @Test
  void controlCharactersTooManyArgumentsAndLongLinesAreBadArguments() {
    assertEquals(CommandResult.Outcome.BAD_ARGUMENTS, registry.execute("echo a\u0007").outcome());
    assertEquals(CommandResult.Outcome.BAD_ARGUMENTS, registry.execute("echo" + " a".repeat(65)).outcome());
    assertEquals(CommandResult.Outcome.OK, registry.execute("echo" + " a".repeat(64)).outcome());
    assertEquals(CommandResult.Outcome.BAD_ARGUMENTS, registry.execute("echo " + "a".repeat(5000)).outcome());
    assertEquals(CommandResult.Outcome.BAD_ARGUMENTS, registry.execute("echo", List.of("a\nb")).outcome());
  }

  @Test
  void anUnknownNameIsEchoedPrintablyAndShort() {
    String text = registry.execute("\u001b[2J" + "x".repeat(500), List.of()).text();
    assertTrue(text.startsWith("unknown command '\\x1b[2J"), text);
    assertTrue(text.length() < 150, text);
  }

  @Property(tries = 2000)
  void anyLineGetsAnAnswerAndNeverAnException(@ForAll String line) {
    CommandResult r = registry.execute(line);
    assertTrue(r.text() != null && !r.text().isEmpty());
  }
}
