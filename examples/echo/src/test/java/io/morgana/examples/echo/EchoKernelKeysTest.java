package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.mgmt.ManagementSettings;
import io.morgana.net.packet.PacketNetifModule;
import io.morgana.net.socket.SocketStackModule;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.dhcp.DhcpClientModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.runtime.BootArgumentException;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.Logging;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The echo kernel's boot keys come from its modules: the TAP module's, the IPv4 configuration module's (static or DHCP)
 * and the application module's own, with nothing listed in {@code main}.
 */
class EchoKernelKeysTest {

  @Test
  void theTapKernelAcceptsTheKeysOfEveryModule_andNothingElse() throws Exception {
    List<BootKey<?>> keys = Kernel.bootKeys(DaggerTapKernel.factory()::create);
    assertEquals(
        List.of(EchoModule.CHARGEN_PORT, DhcpClientModule.DHCP, DhcpClientModule.DHCP_ADDRESS, DhcpClientModule.DHCP_HOSTNAME,
            DhcpClientModule.DHCP_NO_PROBE, DhcpClientModule.DHCP_NO_RELEASE, EchoModule.DISCARD_PORT, StaticIpv4Module.IPV4,
            StaticIpv4Module.IPV4_GATEWAY, TapNetifModule.MAC, ManagementSettings.CONSOLE,
            ManagementSettings.LISTEN, ManagementSettings.OPEN_METRICS, ManagementSettings.PORT, ManagementSettings.TOKEN,
            TapNetifModule.NET, EchoModule.PORT, TapNetifModule.OFFLOAD, Logging.LOGS),
        keys);
    String usage = BootArguments.usage("echo-tap", keys);
    assertTrue(usage.contains("--port=VALUE") && usage.contains("UDP and TCP port to echo on"), usage);
    assertEquals(7007, BootArguments.parse(keys, "--port=7007").get(EchoModule.PORT));
    BootArgumentException unknown = assertThrows(BootArgumentException.class, () -> BootArguments.parse(keys, "--disk=x.img"));
    assertTrue(unknown.getMessage().contains("unknown boot argument --disk"), unknown.getMessage());
  }

  @Test
  void thePacketKernelAcceptsTheSameKeys_withThePacketModulesNetAndMac() throws Exception {
    List<BootKey<?>> keys = Kernel.bootKeys(DaggerPacketKernel.factory()::create);
    assertEquals(
        List.of(EchoModule.CHARGEN_PORT, DhcpClientModule.DHCP, DhcpClientModule.DHCP_ADDRESS, DhcpClientModule.DHCP_HOSTNAME,
            DhcpClientModule.DHCP_NO_PROBE, DhcpClientModule.DHCP_NO_RELEASE, EchoModule.DISCARD_PORT, StaticIpv4Module.IPV4, StaticIpv4Module.IPV4_GATEWAY, PacketNetifModule.MAC, ManagementSettings.CONSOLE,
            ManagementSettings.LISTEN, ManagementSettings.OPEN_METRICS, ManagementSettings.PORT, ManagementSettings.TOKEN,
            PacketNetifModule.NET, PacketNetifModule.RING,
            EchoModule.PORT, Logging.LOGS),
        keys);
    assertEquals("eth1", BootArguments.parse(keys, "--net=packet:eth1").get(PacketNetifModule.NET));
    BootArgumentException tap = assertThrows(BootArgumentException.class, () -> BootArguments.parse(keys, "--net=tap:tap0"));
    assertTrue(tap.getMessage().contains("packet:IFACE"), tap.getMessage());
  }

  @Test
  void theSocketKernelHasTheApplicationsKeysAndListen_andNoDeviceOrStackKeys() throws Exception {
    List<BootKey<?>> keys = Kernel.bootKeys(DaggerSocketKernel.factory()::create);
    assertEquals(
        List.of(EchoModule.CHARGEN_PORT, EchoModule.DISCARD_PORT, SocketStackModule.LISTEN, EchoModule.PORT,
            Logging.LOGS),
        keys);
    BootArguments args = BootArguments.parse(keys, "--listen=0.0.0.0", "--discard-port=9009", "--chargen-port=1919");
    assertEquals("0.0.0.0", args.get(SocketStackModule.LISTEN).toString());
    assertEquals(9009, args.get(EchoModule.DISCARD_PORT));
    assertEquals(1919, args.get(EchoModule.CHARGEN_PORT));
    assertEquals("127.0.0.1", BootArguments.parse(keys).get(SocketStackModule.LISTEN).toString(), "the default");
    BootArgumentException tap = assertThrows(BootArgumentException.class, () -> BootArguments.parse(keys, "--net=tap:x"));
    assertTrue(tap.getMessage().contains("unknown boot argument --net"), tap.getMessage());
  }
}
