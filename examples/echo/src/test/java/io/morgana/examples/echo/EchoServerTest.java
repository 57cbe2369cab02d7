package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EchoServer} over Morgana's stack on an in-memory switch, on a deterministic loop: a
 * second stack sends datagrams to port 7 and gets each one back, byte for byte, from port 7.
 */
class EchoServerTest {

  private static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.2");
  private static final Ipv4Address CLIENT = Ipv4Address.parse("192.0.2.1");

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 18, 1472, 1473, 8000, 65_507})
  void rfc862_echoesEachDatagramToItsSender(int size) throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    try (EthernetSwitch sw = new EthernetSwitch(loop)) {
      TcpipStack server = new TcpipStack(sw.newPort(), loop, Ipv4Config.of("192.0.2.2/24", null));
      TcpipStack client = new TcpipStack(sw.newPort(), loop, Ipv4Config.of("192.0.2.1/24", null));
      EchoServer echo = new EchoServer(server.udp(), server.ip());
      List<byte[]> received = new ArrayList<>();
      List<Integer> fromPorts = new ArrayList<>();
      loop.execute(
          () -> {
            echo.start();
            client.udp().listen(5000, (src, sport, dst, dport, payload) -> {
              assertEquals(SERVER, src);
              received.add(ByteBufUtil.getBytes(payload));
              fromPorts.add(sport);
            });
          });
      loop.runUntilIdle();
      byte[] out = new byte[size];
      new SplittableRandom(size).nextBytes(out);
      ByteBuf payload = Unpooled.directBuffer(size).writeBytes(out);
      loop.execute(() -> client.udp().write(SERVER, EchoServer.PORT, 5000, payload));
      loop.runUntilIdle();
      assertEquals(1, received.size(), "echoes of one " + size + "-byte datagram");
      assertArrayEquals(out, received.get(0));
      assertEquals(List.of(EchoServer.PORT), fromPorts);
      assertEquals(1, echo.echoed());
      server.close();
      client.close();
    }
  }
}
