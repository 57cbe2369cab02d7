package io.morgana.net.packet;

import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.contract.LoopDriver;
import io.morgana.testkit.contract.NetifContract;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PacketNetif} passes the {@link NetifContract}. The link: a veth pair in a test network
 * namespace with a {@code PacketNetif} on each end, so every frame the interface under test
 * writes goes through its transmit ring, the kernel's veth driver, and the peer's receive ring —
 * and back. Both run on one {@link KernelLoop} started inside the namespace, woken by their
 * sockets. IPv6 is off in the namespace so the kernel adds no traffic of its own.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class PacketNetifContractTest extends NetifContract {

  private NetworkNamespace ns;

  @BeforeEach
  void namespace(NetworkNamespace ns) {
    this.ns = ns;
  }

  @Override
  protected Link connect() throws Exception {
    HostTools.require("ethtool");
    Veth.create(ns, "mgpl0", "mgpr0");
    KernelLoop loop =
        ns.callInside(
            () -> {
              KernelLoop l = new KernelLoop("packet-contract");
              l.start();
              return l;
            });
    PacketNetif local = null;
    PacketNetif peer = null;
    try {
      local = ns.callInside(() -> PacketNetif.open(PacketConfig.of("mgpl0"), loop));
      peer = ns.callInside(() -> PacketNetif.open(PacketConfig.of("mgpr0"), loop));
      return new Link(local, peer, LoopDriver.threaded(loop), loop);
    } catch (Exception | Error e) {
      if (local != null) {
        local.close();
      }
      if (peer != null) {
        peer.close();
      }
      loop.close();
      throw e;
    }
  }
}
