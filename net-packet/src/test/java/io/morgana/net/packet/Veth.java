package io.morgana.net.packet;

import io.morgana.testkit.interop.NetworkNamespace;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Test fixture: a veth pair in a test namespace, both ends up, no addresses, IPv6 off. */
final class Veth {

  private Veth() {}

  /**
   * Creates {@code a}–{@code b} in {@code ns} and brings both up with segmentation and receive
   * offloads off (so no frame above the MTU crosses the pair); waits until the carrier is up.
   */
  static void create(NetworkNamespace ns, String a, String b) {
    ns.execOk(
        "sh",
        "-c",
        "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6;"
            + " echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    ns.execOk("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    for (String dev : new String[] {a, b}) {
      ns.execOk("ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off");
      ns.execOk("ip", "link", "set", dev, "up");
    }
    awaitLinkUp(ns, a);
    awaitLinkUp(ns, b);
  }

  /** Waits (up to 30 s) for {@code LOWER_UP} and a real queueing discipline on {@code dev}. */
  static void awaitLinkUp(NetworkNamespace ns, String dev) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String show = "";
    while (System.nanoTime() - deadline < 0) {
      show = ns.execOk("ip", "link", "show", "dev", dev).stdout();
      if (show.contains("LOWER_UP") && !show.contains("qdisc noop")) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("link " + dev + " did not come up: " + show);
  }
}
