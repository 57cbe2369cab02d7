package io.morgana.net.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.nativeio.Libc;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PacketNetif#open} in a test network namespace: the interfaces Morgana may not or cannot
 * own are refused with one message naming the interface and what to do, and what it opens
 * describes the interface.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class PacketNetifTest {

  @Test
  void missingInterface_refusedNamingItAndENODEV(NetworkNamespace ns) throws Exception {
    try (KernelLoop loop = new KernelLoop("packet-missing")) {
      PacketUnavailableException e =
          assertThrows(PacketUnavailableException.class,
              () -> ns.callInside(() -> PacketNetif.open(PacketConfig.of("mgnone0"), loop)));
      assertEquals("mgnone0", e.device());
      assertEquals(Libc.ENODEV, e.errno());
      assertTrue(e.getMessage().contains("network interface mgnone0 does not exist"), e.getMessage());
      assertTrue(e.getMessage().contains("ENODEV"), e.getMessage());
      assertEquals(0, e.getStackTrace().length, "a configuration message, not a bug: no stack trace");
    }
  }

  @Test
  void interfaceWithAHostIpv4Address_refused_MorganaMustOwnIt(NetworkNamespace ns) throws Exception {
    HostTools.require("ethtool");
    Veth.create(ns, "mgpa0", "mgpa1");
    ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", "mgpa0");
    try (KernelLoop loop = new KernelLoop("packet-addressed")) {
      PacketUnavailableException e =
          assertThrows(PacketUnavailableException.class,
              () -> ns.callInside(() -> PacketNetif.open(PacketConfig.of("mgpa0"), loop)));
      assertTrue(e.getMessage().contains("has the host's IPv4 address 192.0.2.1"), e.getMessage());
      assertTrue(e.getMessage().contains("ip addr flush dev mgpa0"), e.getMessage());
    }
  }

  @Test
  void loopback_refusedAsNotEthernet(NetworkNamespace ns) throws Exception {
    try (KernelLoop loop = new KernelLoop("packet-lo")) {
      PacketUnavailableException e =
          assertThrows(PacketUnavailableException.class,
              () -> ns.callInside(() -> PacketNetif.open(PacketConfig.of("lo"), loop)));
      assertTrue(e.getMessage().contains("lo is not an Ethernet interface"), e.getMessage());
    }
  }

  @Test
  void opened_hasTheInterfacesMacAndMtu_orTheConfiguredMac(NetworkNamespace ns) throws Exception {
    HostTools.require("ethtool");
    Veth.create(ns, "mgpm0", "mgpm1");
    ns.execOk("ip", "link", "set", "mgpm0", "mtu", "9000");
    ns.execOk("ip", "link", "set", "mgpm0", "address", "02:00:5e:10:00:07");
    try (KernelLoop loop = new KernelLoop("packet-accessors")) {
      PacketNetif own = ns.callInside(() -> PacketNetif.open(PacketConfig.of("mgpm0"), loop));
      try {
        assertEquals(MacAddress.parse("02:00:5e:10:00:07"), own.mac());
        assertEquals(9000, own.mtu());
        assertEquals("mgpm0", own.name());
      } finally {
        own.close();
      }
      MacAddress chosen = MacAddress.parse("02:00:5e:10:00:99");
      PacketNetif promiscuous =
          ns.callInside(() -> PacketNetif.open(new PacketConfig("mgpm0", Optional.of(chosen), TpacketVersion.V2, 1), loop));
      try {
        assertEquals(chosen, promiscuous.mac());
        assertTrue(ns.execOk("ip", "-d", "link", "show", "mgpm0").stdout().contains("promiscuity 1"),
            "a MAC of Morgana's own makes the interface promiscuous");
      } finally {
        promiscuous.close();
      }
      assertTrue(ns.execOk("ip", "-d", "link", "show", "mgpm0").stdout().contains("promiscuity 0"),
          "closing the socket ends the membership");
    }
  }
}
