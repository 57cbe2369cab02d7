package io.morgana.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kernel command line as Linux splits it ({@code next_arg}), and Morgana's keys in it. */
class KernelCommandLineTest {

  @Test
  void parametersSplitAtWhiteSpace_valuesAfterTheFirstEquals_trailingNewlineIgnored() {
    KernelCommandLine c = KernelCommandLine.parse("console=ttyS0 quiet  rdinit=/init root=LABEL=x=y\n");
    assertEquals(List.of(
        new KernelCommandLine.Parameter("console", Optional.of("ttyS0")),
        new KernelCommandLine.Parameter("quiet", Optional.empty()),
        new KernelCommandLine.Parameter("rdinit", Optional.of("/init")),
        new KernelCommandLine.Parameter("root", Optional.of("LABEL=x=y"))), c.parameters());
  }

  @Test
  void doubleQuotesGroupWhiteSpace_andAreRemoved() {
    KernelCommandLine c = KernelCommandLine.parse("morgana.motd=\"hello  world\" \"morgana.x=a b\"");
    assertEquals(Optional.of("hello  world"), c.morgana("motd"));
    assertEquals(Optional.of("a b"), c.morgana("x"));
  }

  @Test
  void wordsAfterALoneDoubleDash_areInitsArguments() {
    KernelCommandLine c = KernelCommandLine.parse("quiet morgana.dhcp -- -cp /app Main");
    assertEquals(List.of("-cp", "/app", "Main"), c.initArguments());
    assertEquals(List.of("--dhcp"), c.bootArguments());
  }

  @Test
  void morganaKeysBecomeBootArguments_inOrder_lastValueWins_initKeysAndKernelKeysLeftOut() {
    KernelCommandLine c = KernelCommandLine.parse(
        "console=ttyS0 morgana.ipv4=192.0.2.2/24 morgana.modules=virtio_net morgana.port=80"
            + " morgana.dhcp-no-probe morgana.ipv4=192.0.2.9/24 morgana.ifup=eth0");
    assertEquals(List.of("--ipv4=192.0.2.9/24", "--port=80", "--dhcp-no-probe"), c.bootArguments());
    assertEquals(Optional.of(""), c.morgana("dhcp-no-probe"), "a flag has the empty value");
    assertEquals(Optional.empty(), c.morgana("disk"));
  }

  @Test
  void lists_areCommaSeparated_withoutEmptyItems() {
    KernelCommandLine c = KernelCommandLine.parse("morgana.modules=\"failover,, net_failover ,virtio_net\"");
    assertEquals(List.of("failover", "net_failover", "virtio_net"), c.morganaList("modules"));
    assertEquals(List.of(), c.morganaList("ifup"));
  }

  @Test
  void malformedMorganaKeys_refusedQuotingTheParameter() {
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> KernelCommandLine.parse("morgana.=1"));
    assertTrue(empty.getMessage().contains("\"morgana.\""), empty.getMessage());
    IllegalArgumentException upper = assertThrows(IllegalArgumentException.class, () -> KernelCommandLine.parse("morgana.IPv4=x"));
    assertTrue(upper.getMessage().contains("morgana.IPv4"), upper.getMessage());
  }

  @Test
  void emptyCommandLine_hasNothing() {
    KernelCommandLine c = KernelCommandLine.parse("  \n");
    assertEquals(List.of(), c.parameters());
    assertEquals(List.of(), c.bootArguments());
  }
}
