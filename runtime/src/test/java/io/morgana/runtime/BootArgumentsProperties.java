package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class BootArgumentsProperties {

  static final BootKey<String> NAME = BootKey.string("name", "a string", "world");
  static final BootKey<Integer> COUNT = BootKey.integer("count", "an int", 4);
  static final BootKey<Integer> PORT = BootKey.integer("port", "a port", 80, 1, 65535);
  static final BootKey<Boolean> DHCP = BootKey.flag("dhcp", "a flag");
  static final BootKey<Optional<Integer>> MTU = BootKey.optional("mtu", "an optional int", Integer::parseInt);
  static final List<BootKey<?>> KEYS = List.of(NAME, COUNT, PORT, DHCP, MTU, Logging.LOGS);

  /** One argument and the value it must produce. */
  record Given(BootKey<?> key, String text, Object value) {}

  @Property(seed = "20261126")
  void anyListOfKnownKeysWithValidValuesRoundTrips(@ForAll("validCommandLines") List<Given> givens)
      throws Exception {
    String[] argv = givens.stream().map(Given::text).toArray(String[]::new);
    BootArguments args = BootArguments.parse(KEYS, argv);
    Map<BootKey<?>, Object> expected = new HashMap<>();
    for (Given g : givens) {
      expected.put(g.key(), g.value());
    }
    for (BootKey<?> key : KEYS) {
      Object want = expected.containsKey(key) ? expected.get(key) : key.defaultValue();
      assertEquals(want, args.get(key), key + " from " + List.of(argv));
      assertEquals(expected.containsKey(key), args.isGiven(key));
    }
  }

  @Property(seed = "20261126", tries = 2000)
  void garbageNeverThrowsAnythingButBootArgumentException(@ForAll("garbage") List<String> argv) {
    try {
      BootArguments args = BootArguments.parse(KEYS, argv.toArray(String[]::new));
      // Accepted: every value must be there and of the key's type.
      for (BootKey<?> key : KEYS) {
        assertTrue(key.defaultValue().getClass().isInstance(args.get(key)) || args.helpRequested());
      }
    } catch (BootArgumentException expected) {
      assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
    }
  }

  @Provide
  Arbitrary<List<Given>> validCommandLines() {
    Arbitrary<Given> name =
        Arbitraries.strings().ofMaxLength(20).map(s -> new Given(NAME, "--name=" + s, s));
    Arbitrary<Given> count =
        Arbitraries.integers().map(i -> new Given(COUNT, "--count=" + i, i));
    Arbitrary<Given> port =
        Arbitraries.integers().between(1, 65535).map(i -> new Given(PORT, "--port=" + i, i));
    Arbitrary<Given> dhcp =
        Arbitraries.of("--dhcp", "--dhcp=true", "--dhcp=false")
            .map(t -> new Given(DHCP, t, !t.endsWith("false")));
    Arbitrary<Given> mtu =
        Arbitraries.integers().between(0, 65535).map(i -> new Given(MTU, "--mtu=" + i, Optional.of(i)));
    Arbitrary<Given> logs =
        Arbitraries.of(Logging.LEVELS).map(l -> new Given(Logging.LOGS, "--logs=" + l, l));
    // Each key at most once, in any order.
    return Combinators.combine(
            name.optional(), count.optional(), port.optional(), dhcp.optional(), mtu.optional(), logs.optional())
        .as(
            (a, b, c, d, e, f) -> {
              List<Given> list = new ArrayList<>();
              a.ifPresent(list::add);
              b.ifPresent(list::add);
              c.ifPresent(list::add);
              d.ifPresent(list::add);
              e.ifPresent(list::add);
              f.ifPresent(list::add);
              return list;
            })
        .flatMap(list -> Arbitraries.shuffle(list));
  }

  @Provide
  Arbitrary<List<String>> garbage() {
    Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(30);
    Arbitrary<String> keyish =
        Combinators.combine(
                Arbitraries.of("--", "-", "", "---", "--help", "--help="),
                Arbitraries.of("name", "count", "port", "dhcp", "mtu", "logs", "bogus", "", "NAME", "help"),
                Arbitraries.of("", "=", "=="),
                Arbitraries.oneOf(
                    anyText,
                    Arbitraries.integers().map(String::valueOf),
                    Arbitraries.longs().map(String::valueOf),
                    Arbitraries.of("true", "false", "info", "debug", "1e3", " 1", "0x10", "+7", "-")))
            .as((a, b, c, d) -> a + b + c + d);
    return Arbitraries.oneOf(anyText, keyish).list().ofMaxSize(8);
  }
}
