package io.morgana.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class InitPlanTest {

  @Test
  void bareCommandLine_virtioModules_eth0Up_packetOnEth0_dhcp() {
    InitPlan plan = InitPlan.from(KernelCommandLine.parse("console=ttyS0 quiet"));
    assertEquals(InitPlan.MOUNTS, plan.mounts());
    assertEquals(List.of("virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci",
        "failover", "net_failover", "virtio_net", "virtio_blk"), plan.modules());
    assertEquals(List.of("eth0"), plan.interfaces());
    assertEquals(List.of("--net=packet:eth0", "--dhcp"), plan.bootArguments());
  }

  @Test
  void staticAddressAndAnotherInterface_noDhcp_thatInterfaceUp() {
    InitPlan plan = InitPlan.from(KernelCommandLine.parse("morgana.net=packet:ens3 morgana.ipv4=192.0.2.2/24"));
    assertEquals(List.of("ens3"), plan.interfaces());
    assertEquals(List.of("--net=packet:ens3", "--ipv4=192.0.2.2/24"), plan.bootArguments());
  }

  @Test
  void explicitModulesAndInterfaces_replaceTheDefaults() {
    InitPlan plan = InitPlan.from(KernelCommandLine.parse(
        "morgana.modules=xen-evtchn,xen-gntalloc morgana.ifup= morgana.net=xen:0 morgana.dhcp"));
    assertEquals(List.of("xen-evtchn", "xen-gntalloc"), plan.modules());
    assertEquals(List.of(), plan.interfaces());
    assertEquals(List.of("--net=xen:0", "--dhcp"), plan.bootArguments());
  }

  @Test
  void modulesLiveUnderLibModules() {
    assertEquals("/lib/modules/virtio_net.ko", InitPlan.modulePath("virtio_net"));
  }
}
