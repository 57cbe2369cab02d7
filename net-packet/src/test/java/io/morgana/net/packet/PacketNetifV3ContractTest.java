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
 * {@link PacketNetif} with {@link TpacketVersion#V3} rings passes the {@link NetifContract}, over
 * the same veth pair as {@link PacketNetifContractTest}; the peer uses V2 rings (the default), so frames cross
 * between the two formats.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class PacketNetifV3ContractTest extends NetifContract {

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
              KernelLoop l = new KernelLoop("packet-v3-contract");
              l.start();
              return l;
            });
    PacketNetif local = null;
    PacketNetif peer = null;
    try {
      local = ns.callInside(() -> PacketNetif.open(PacketConfig.of("mgpl0").withVersion(TpacketVersion.V3), loop));
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
