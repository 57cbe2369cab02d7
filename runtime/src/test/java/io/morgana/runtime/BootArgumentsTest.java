package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BootArgumentsTest {

  static final BootKey<String> NAME = BootKey.string("name", "who to greet", "world");
  static final BootKey<Integer> PORT = BootKey.integer("port", "TCP port", 80, 1, 65535);
  static final BootKey<Integer> COUNT = BootKey.integer("count", "how many", 4);
  static final BootKey<Boolean> DHCP = BootKey.flag("dhcp", "configure by DHCP");
  static final BootKey<Optional<Integer>> MTU = BootKey.optional("mtu", "link MTU", Integer::parseInt);
  static final List<BootKey<?>> KEYS = List.of(NAME, PORT, COUNT, DHCP, MTU);

  @Test
  void absentKeysTakeTheirDefaults() throws Exception {
    BootArguments args = BootArguments.parse(KEYS);
    assertEquals("world", args.get(NAME));
    assertEquals(80, args.get(PORT));
    assertEquals(false, args.get(DHCP));
    assertEquals(Optional.empty(), args.get(MTU));
    assertFalse(args.isGiven(NAME));
    assertFalse(args.helpRequested());
  }

  @Test
  void toStringShowsTheArgumentsAsGivenNotTheParsedValues() throws Exception {
    BootKey<String> net = BootKey.of("net", "tap:NAME", "tap0", text -> text.substring("tap:".length()));
    List<BootKey<?>> keys = List.of(net, MTU, DHCP, NAME);
    BootArguments args = BootArguments.parse(keys, "--net=tap:ntap0", "--mtu=1500", "--dhcp");
    assertEquals("ntap0", args.get(net));
    assertEquals("BootArguments[--net=tap:ntap0 --mtu=1500 --dhcp]", args.toString()); // no Optional[...], prefix kept
    assertEquals("BootArguments[--dhcp --mtu=9000]", BootArguments.parse(keys, "--dhcp", "--mtu=9000").toString());
    assertEquals("BootArguments[]", BootArguments.parse(keys).toString());
    assertEquals("BootArguments[--help]", BootArguments.parse(keys, "--mtu=x", "--help").toString());
  }

  @Test
  void givenKeysTakeTheirValues() throws Exception {
    BootArguments args = BootArguments.parse(KEYS, "--name=a=b", "--port=8080", "--dhcp", "--mtu=1500", "--count=-3");
    assertEquals("a=b", args.get(NAME));
    assertEquals(8080, args.get(PORT));
    assertEquals(true, args.get(DHCP));
    assertEquals(Optional.of(1500), args.get(MTU));
    assertEquals(-3, args.get(COUNT));
    assertTrue(args.isGiven(PORT));
  }

  @Test
  void emptyValueIsAValue() throws Exception {
    assertEquals("", BootArguments.parse(KEYS, "--name=").get(NAME));
  }

  @Test
  void flagAcceptsExplicitTrueAndFalse() throws Exception {
    assertEquals(true, BootArguments.parse(KEYS, "--dhcp=true").get(DHCP));
    assertEquals(false, BootArguments.parse(KEYS, "--dhcp=false").get(DHCP));
    assertMessage("--dhcp", "'yes'", () -> BootArguments.parse(KEYS, "--dhcp=yes"));
  }

  @Test
  void unknownKeyIsNamed() {
    assertMessage("--bogus", "'--bogus=1'", () -> BootArguments.parse(KEYS, "--bogus=1"));
  }

  @Test
  void malformedValueIsQuoted() {
    assertMessage("--port", "'eighty'", () -> BootArguments.parse(KEYS, "--port=eighty"));
    assertMessage("--port", "'70000'", () -> BootArguments.parse(KEYS, "--port=70000"));
    assertMessage("--count", "'99999999999'", () -> BootArguments.parse(KEYS, "--count=99999999999"));
    assertMessage("--count", "'\u0663'", () -> BootArguments.parse(KEYS, "--count=\u0663")); // Arabic-Indic 3
    assertMessage("--mtu", "'big'", () -> BootArguments.parse(KEYS, "--mtu=big"));
  }

  @Test
  void valueMissingForANonFlag() {
    assertMessage("--port", "needs a value", () -> BootArguments.parse(KEYS, "--port"));
  }

  @Test
  void keyGivenTwiceIsRefused() {
    assertMessage("--port", "more than once", () -> BootArguments.parse(KEYS, "--port=1", "--port=2"));
  }

  @Test
  void argumentsThatAreNotKeysAreRefused() {
    assertMessage("'port=1'", "--key=value", () -> BootArguments.parse(KEYS, "port=1"));
    assertMessage("'--'", "--key=value", () -> BootArguments.parse(KEYS, "--"));
    assertMessage("'--=x'", "--key=value", () -> BootArguments.parse(KEYS, "--=x"));
    assertMessage("'-p'", "--key=value", () -> BootArguments.parse(KEYS, "-p"));
  }

  @Test
  void helpWinsOverEverythingElse() throws Exception {
    BootArguments args = BootArguments.parse(KEYS, "--bogus", "--help", "--port=x");
    assertTrue(args.helpRequested());
    assertMessage("--help", "no value", () -> BootArguments.parse(KEYS, "--help=1"));
  }

  @Test
  void usageListsEveryKeyWithHelpAndDefault() {
    String usage = BootArguments.usage("hello", KEYS);
    assertTrue(usage.startsWith("usage: hello "), usage);
    assertTrue(usage.contains("--name=VALUE"), usage);
    assertTrue(usage.contains("who to greet (default: world)"), usage);
    assertTrue(usage.contains("TCP port (1 to 65535) (default: 80)"), usage);
    assertTrue(usage.contains("--dhcp "), usage);
    assertTrue(usage.contains("configure by DHCP (default: off)"), usage);
    assertTrue(usage.contains("link MTU (default: none)"), usage);
    assertTrue(usage.contains("--help"), usage);
  }

  @Test
  void keyNotParsedAgainstIsAProgrammingError() throws Exception {
    BootArguments args = BootArguments.parse(List.of(NAME));
    assertThrows(IllegalArgumentException.class, () -> args.get(PORT));
  }

  @Test
  void duplicateKeyNamesAreAProgrammingError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BootArguments.parse(List.of(NAME, BootKey.string("name", "again", ""))));
  }

  @Test
  void keyNamesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> BootKey.string("Name", "", ""));
    assertThrows(IllegalArgumentException.class, () -> BootKey.string("a--b", "", ""));
    assertThrows(IllegalArgumentException.class, () -> BootKey.string("help", "", ""));
    assertThrows(IllegalArgumentException.class, () -> BootKey.integer("port", "", 0, 1, 65535));
    assertEquals("ipv4-gateway", BootKey.string("ipv4-gateway", "", "").name());
  }

  @Test
  void logsKeyAcceptsTheFiveLevels() throws Exception {
    for (String level : List.of("error", "warn", "info", "debug", "trace")) {
      assertEquals(level, BootArguments.parse(Kernel.STANDARD_KEYS, "--logs=" + level).get(Logging.LOGS));
    }
    assertEquals("info", BootArguments.defaults(Kernel.STANDARD_KEYS).get(Logging.LOGS));
    assertMessage("--logs", "'loud'", () -> BootArguments.parse(Kernel.STANDARD_KEYS, "--logs=loud"));
  }

  @Test
  void aRequiredKeyMustBeGiven_andHasNoDefault() throws Exception {
    BootKey<String> disk = BootKey.required("disk", "disk image", text -> text);
    assertEquals("a.img", BootArguments.parse(List.of(disk, NAME), "--disk=a.img").get(disk));
    assertMessage("missing required boot argument --disk", "disk image", () -> BootArguments.parse(List.of(disk, NAME)));
    assertTrue(BootArguments.parse(List.of(disk), "--help").helpRequested());
    assertThrows(IllegalArgumentException.class, () -> BootArguments.defaults(List.of(disk)));
    assertThrows(IllegalStateException.class, disk::defaultValue);
    assertTrue(BootArguments.usage("k", List.of(disk)).contains("disk image (required)"));
  }

  @Test
  void uncheckedArgumentsCannotBeReadUntilChecked() throws Exception {
    BootArguments args = BootArguments.unchecked("--name=x");
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> args.get(NAME));
    assertTrue(early.getMessage().contains("before Kernel checked them"), early.getMessage());
    args.check(KEYS);
    assertEquals("x", args.get(NAME));
    assertThrows(IllegalStateException.class, () -> args.check(KEYS));
  }

  private static void assertMessage(String part1, String part2, org.junit.jupiter.api.function.Executable parse) {
    BootArgumentException e = assertThrows(BootArgumentException.class, parse);
    assertTrue(e.getMessage().contains(part1), e.getMessage());
    assertTrue(e.getMessage().contains(part2), e.getMessage());
  }

  @Test
  void aSecretKeysValueIsHiddenInTheBootLogAndInErrors() throws Exception {
    BootKey<Optional<String>> token = BootKey.optional("token", "a secret", t -> {
      if (t.length() < 8) {
        throw new IllegalArgumentException("too short");
      }
      return t;
    }).secret();
    BootKey<Integer> port = BootKey.integer("port", "a port", 80);
    BootArguments a = BootArguments.parse(List.of(token, port), "--port=81", "--token=hunter2hunter2");
    assertEquals(Optional.of("hunter2hunter2"), a.get(token));
    assertEquals("BootArguments[--port=81 --token=(hidden)]", a.toString());
    BootArgumentException e = assertThrows(BootArgumentException.class,
        () -> BootArguments.parse(List.of(token), "--token=hunter2"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().contains("--token: (hidden) (too short)"), e.getMessage());
    assertTrue(token.isSecret());
    assertFalse(port.isSecret());
  }
}
