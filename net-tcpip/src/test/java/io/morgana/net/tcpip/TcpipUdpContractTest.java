package io.morgana.net.tcpip;

import io.morgana.api.Ipv4Address;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.morgana.testkit.TrackingAllocator;
import io.morgana.testkit.contract.LoopDriver;
import io.morgana.testkit.contract.UdpContract;

/**
 * The UDP contract between two net-tcpip stacks (192.0.2.2 and 192.0.2.3) on an in-memory switch,
 * on a deterministic loop.
 */
class TcpipUdpContractTest extends UdpContract {

  @Override
  protected Network open() {
    DeterministicLoop loop = new DeterministicLoop(new FakeClock());
    TrackingAllocator alloc = new TrackingAllocator();
    EthernetSwitch ethernetSwitch = new EthernetSwitch(loop);
    EthernetSwitch.Port clientPort = ethernetSwitch.newPort();
    EthernetSwitch.Port serverPort = ethernetSwitch.newPort();
    TcpipStack client = new TcpipStack(clientPort, loop, Ipv4Config.of("192.0.2.2/24", null), alloc);
    TcpipStack server = new TcpipStack(serverPort, loop, Ipv4Config.of("192.0.2.3/24", null), alloc);
    return new Network(client.udp(), Ipv4Address.parse("192.0.2.2"), server.udp(), Ipv4Address.parse("192.0.2.3"),
        LoopDriver.deterministic(loop), alloc::outstanding, () -> {
          loop.runUntilIdle();
          client.close();
          server.close();
          clientPort.close();
          serverPort.close();
          ethernetSwitch.close();
          loop.runUntilIdle();
        });
  }
}
