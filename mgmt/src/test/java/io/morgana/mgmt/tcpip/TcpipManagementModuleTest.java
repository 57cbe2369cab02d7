package io.morgana.mgmt.tcpip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code netif} label comes from the component's {@code --net} boot argument. */
class TcpipManagementModuleTest {

  private static final BootKey<String> NET = BootKey.string("net", "the interface", "tap0");

  @Test
  void theNetifLabelIsTheNetArgument() throws Exception {
    assertEquals("mtap3", TcpipManagementModule.netifLabel(BootArguments.parse(List.of(NET), "--net=mtap3")));
    assertEquals("tap0", TcpipManagementModule.netifLabel(BootArguments.parse(List.of(NET))));
  }

  @Test
  void withoutANetArgumentItIsNet0() throws Exception {
    assertEquals(TcpipManagementModule.DEFAULT_NETIF_LABEL, TcpipManagementModule.netifLabel(
        BootArguments.parse(List.of(BootKey.string("disk", "a disk", "x")))));
  }
}
