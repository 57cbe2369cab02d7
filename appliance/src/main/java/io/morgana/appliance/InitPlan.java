package io.morgana.appliance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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

  /**
   * The modules of a Xen PVH guest whose devices Morgana drives itself ({@code
   * io.morgana.xen.linux.LinuxXenPlatform} opens {@code /dev/xen/xenbus}, {@code evtchn} and
   * {@code gntalloc}): {@code xen-evtchn} ({@code CONFIG_XEN_DEV_EVTCHN}) and {@code xen-gntalloc}
   * ({@code CONFIG_XEN_GRANT_DEV_ALLOC}), which Debian's 6.1 kernel builds as modules depending on
   * nothing else; {@code /dev/xen/xenbus} ({@code drivers/xen/xenbus/xenbus_dev_frontend.c}) is
   * built into every kernel with Xen guest support. Each registers a misc device named {@code
   * xen/NAME}, for which devtmpfs makes {@code /dev/xen/NAME}: no xenfs ({@code /proc/xen} offers
   * only {@code xenbus} and {@code privcmd}, the toolstack's), no {@code gntdev} or {@code privcmd}
   * (a backend's and the toolstack's). Linux's {@code xen-netfront} and {@code xen-blkfront} are
   * never loaded: Morgana's netfront and blkfront own the vif and the vbd.
   */
  public static final List<String> XEN_MODULES = List.of("xen-evtchn", "xen-gntalloc");

  /**
   * The hypervisor an image is built for, {@code morgana.target=qemu|xen} (default {@code qemu}):
   * it decides the modules to load and the network when the command line does not.
   */
  public enum Target {
    /** QEMU/KVM: virtio on PCI ({@link InitPlan#VIRTIO_MODULES}); Morgana owns the NIC through {@code AF_PACKET}. */
    QEMU,
    /**
     * A Xen PVH guest ({@link InitPlan#XEN_MODULES}): Morgana's netfront and blkfront drive the vif and
     * the vbd through {@code /dev/xen}, so there is no Linux interface to bring up and no {@code
     * --net} argument (the application's component binds netfront).
     */
    XEN;

    /** The target {@code morgana.target=value} names. */
    static Target of(String value) {
      for (Target t : values()) {
        if (t.key().equals(value)) {
          return t;
        }
      }
      throw new IllegalArgumentException("morgana.target=" + value + " is not a target the appliance knows (qemu, xen)");
    }

    /** Its value of {@code morgana.target}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The modules loaded when {@code morgana.modules} is not given. */
    public List<String> defaultModules() {
      return switch (this) {
        case QEMU -> VIRTIO_MODULES;
        case XEN -> XEN_MODULES;
      };
    }

    /** The application's {@code --net} when {@code morgana.net} is not given. */
    Optional<String> defaultNet() {
      return switch (this) {
        case QEMU -> Optional.of("packet:" + DEFAULT_INTERFACE);
        case XEN -> Optional.empty();
      };
    }
  }

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
   * The plan for {@code cmdline}, for the {@link Target} of {@code morgana.target} (default {@code
   * qemu}): {@code morgana.modules=} (default the target's, {@link Target#defaultModules}), {@code
   * morgana.ifup=} (default: the interface of {@code morgana.net=packet:IFACE}, else none), and the
   * application's arguments from the other {@code morgana.*} keys — with {@code
   * --net=packet:eth0} for QEMU when no {@code morgana.net} is given (none for Xen), and {@code
   * --dhcp} when neither {@code morgana.ipv4} nor {@code morgana.dhcp} is (the appliance leases its
   * address by default).
   *
   * @throws IllegalArgumentException when {@code morgana.target} names no target
   */
  public static InitPlan from(KernelCommandLine cmdline) {
    Target target = Target.of(cmdline.morgana("target").orElse(Target.QEMU.key()));
    List<String> modules = cmdline.morgana("modules").isPresent() ? cmdline.morganaList("modules") : target.defaultModules();
    List<String> args = new ArrayList<>(cmdline.bootArguments());
    Optional<String> net = cmdline.morgana("net");
    if (net.isEmpty()) {
      net = target.defaultNet();
      net.ifPresent(n -> args.add("--net=" + n));
    }
    if (cmdline.morgana("ipv4").isEmpty() && cmdline.morgana("dhcp").isEmpty()) {
      args.add("--dhcp");
    }
    List<String> interfaces;
    if (cmdline.morgana("ifup").isPresent()) {
      interfaces = cmdline.morganaList("ifup");
    } else if (net.isPresent() && net.get().startsWith("packet:")) {
      interfaces = List.of(net.get().substring("packet:".length()));
    } else {
      interfaces = List.of();
    }
    return new InitPlan(MOUNTS, modules, interfaces, args);
  }
}
