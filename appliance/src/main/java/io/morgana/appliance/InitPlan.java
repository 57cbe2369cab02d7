package io.morgana.appliance;

import java.util.ArrayList;
import java.util.List;

/**
 * What the appliance's {@code /init} does before it boots the application kernel, decided from
 * the kernel command line alone (so it is tested without booting anything): the file systems to
 * mount, the kernel modules to load in order, the interfaces to bring up, and the application's
 * boot arguments.
 *
 * @param modules module names, in load order; each is {@code /lib/modules/NAME.ko} in the image
 * @param interfaces interfaces to bring up ({@code IFF_UP}) before the application starts
 * @param bootArguments the application kernel's command line
 */
public record InitPlan(List<Mount> mounts, List<String> modules, List<String> interfaces, List<String> bootArguments) {

  /** A file system to mount: {@code mount -t type source target}. */
  public record Mount(String source, String target, String type) {}

  /** {@code /proc}, {@code /sys} and {@code /dev} (devtmpfs: the kernel makes the device nodes). */
  public static final List<Mount> MOUNTS =
      List.of(new Mount("proc", "/proc", "proc"), new Mount("sysfs", "/sys", "sysfs"), new Mount("devtmpfs", "/dev", "devtmpfs"));

  /**
   * The modules of a QEMU/KVM guest, in dependency order ({@code modules.dep}): Debian's 6.1 kernel
   * builds the virtio core and PCI transport ({@code virtio_ring}, {@code virtio}, the two PCI
   * device helpers, {@code virtio_pci}), virtio_net (which needs failover and net_failover) and
   * virtio_blk as modules. One already built in is not an error ({@code EEXIST}).
   */
  public static final List<String> VIRTIO_MODULES = List.of(
      "virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci",
      "failover", "net_failover", "virtio_net", "virtio_blk");

  /** The interface a VM's first virtio NIC gets. */
  public static final String DEFAULT_INTERFACE = "eth0";

  /** Where the image builder puts module {@code name}. */
  public static String modulePath(String name) {
    return "/lib/modules/" + name + ".ko";
  }

  public InitPlan {
    mounts = List.copyOf(mounts);
    modules = List.copyOf(modules);
    interfaces = List.copyOf(interfaces);
    bootArguments = List.copyOf(bootArguments);
  }

  /**
   * The plan for {@code cmdline}: {@code morgana.modules=} (default {@link #VIRTIO_MODULES}),
   * {@code morgana.ifup=} (default: the interface of {@code morgana.net=packet:IFACE}, else {@value
   * #DEFAULT_INTERFACE}), and the application's arguments from the other {@code morgana.*} keys —
   * with {@code --net=packet:eth0} when no {@code morgana.net} is given, and {@code --dhcp} when
   * neither {@code morgana.ipv4} nor {@code morgana.dhcp} is (the appliance leases its address by
   * default).
   */
  public static InitPlan from(KernelCommandLine cmdline) {
    List<String> modules = cmdline.morgana("modules").isPresent() ? cmdline.morganaList("modules") : VIRTIO_MODULES;
    List<String> args = new ArrayList<>(cmdline.bootArguments());
    String net = cmdline.morgana("net").orElse(null);
    if (net == null) {
      net = "packet:" + DEFAULT_INTERFACE;
      args.add("--net=" + net);
    }
    if (cmdline.morgana("ipv4").isEmpty() && cmdline.morgana("dhcp").isEmpty()) {
      args.add("--dhcp");
    }
    List<String> interfaces;
    if (cmdline.morgana("ifup").isPresent()) {
      interfaces = cmdline.morganaList("ifup");
    } else if (net.startsWith("packet:")) {
      interfaces = List.of(net.substring("packet:".length()));
    } else {
      interfaces = List.of();
    }
    return new InitPlan(MOUNTS, modules, interfaces, args);
  }
}
