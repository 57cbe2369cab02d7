package io.morgana.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void qemuTarget_isTheDefault_spelledOutTheSame() {
    assertEquals(InitPlan.from(KernelCommandLine.parse("console=ttyS0")),
        InitPlan.from(KernelCommandLine.parse("console=ttyS0 morgana.target=qemu")));
  }

  @Test
  void xenTarget_evtchnAndGntallocOnly_noInterfaceUp_noNetArgument_dhcp() {
    InitPlan plan = InitPlan.from(KernelCommandLine.parse("console=hvc0 morgana.target=xen"));
    assertEquals(InitPlan.MOUNTS, plan.mounts(), "devtmpfs makes /dev/xen/*: no xenfs");
    assertEquals(List.of("xen-evtchn", "xen-gntalloc"), plan.modules());
    assertEquals(List.of(), plan.interfaces());
    assertEquals(List.of("--dhcp"), plan.bootArguments(), "morgana.target is init's, not the application's");
  }

  @Test
  void xenTarget_neverLoadsLinuxsOwnFrontends() {
    List<String> modules = InitPlan.from(KernelCommandLine.parse("morgana.target=xen")).modules();
    assertTrue(modules.stream().noneMatch(m -> m.contains("netfront") || m.contains("blkfront")), modules.toString());
  }

  @Test
  void xenTarget_staticAddressAndAnotherVif_passedOn_noDhcp() {
    InitPlan plan = InitPlan.from(KernelCommandLine.parse("morgana.target=xen morgana.ipv4=192.0.2.2/24 morgana.xen-vif=1"));
    assertEquals(List.of(), plan.interfaces());
    assertEquals(List.of("--ipv4=192.0.2.2/24", "--xen-vif=1"), plan.bootArguments());
  }

  @Test
  void xenTarget_explicitModules_replaceItsDefaults() {
    InitPlan plan = InitPlan.from(KernelCommandLine.parse("morgana.target=xen morgana.modules=xen-evtchn"));
    assertEquals(List.of("xen-evtchn"), plan.modules());
  }

  @Test
  void unknownTarget_refusedNamingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InitPlan.from(KernelCommandLine.parse("morgana.target=hyperv")));
    assertTrue(e.getMessage().contains("morgana.target=hyperv") && e.getMessage().contains("qemu, xen"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> InitPlan.from(KernelCommandLine.parse("morgana.target")),
        "a target needs a value");
  }

  @Test
  void modulesLiveUnderLibModules() {
    assertEquals("/lib/modules/virtio_net.ko", InitPlan.modulePath("virtio_net"));
  }
}
