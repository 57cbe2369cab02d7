package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TcpEcho} over Morgana's stack on an in-memory switch, on a deterministic loop: a second
 * stack connects to port 7, sends, half-closes, and reads back exactly what it sent.
 */
class TcpEchoTest {

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 1460, 100_000, 1_000_000})
  void rfc862_echoesTheStreamAndClosesAfterTheClient(int size) throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    try (EthernetSwitch sw = new EthernetSwitch(loop)) {
      TcpipStack server = new TcpipStack(sw.newPort(), loop, Ipv4Config.of("192.0.2.2/24", null));
      TcpipStack client = new TcpipStack(sw.newPort(), loop, Ipv4Config.of("192.0.2.1/24", null));
      TcpEcho echo = new TcpEcho(server.tcp(), loop, EchoServer.PORT);
      loop.execute(echo::start);
      loop.runUntilIdle();
      byte[] out = new byte[size];
      new SplittableRandom(size).nextBytes(out);
      Flow f = client.tcp().connect(new Endpoint(Ipv4Address.parse("192.0.2.2"), EchoServer.PORT),
          Duration.ofSeconds(5));
      loop.offload(() -> {
        f.write(Unpooled.wrappedBuffer(out));
        f.shutdownOutput();
        return null;
      });
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      ByteBuf b;
      while ((b = f.read()) != null) {
        byte[] chunk = new byte[b.readableBytes()];
        b.readBytes(chunk);
        b.release();
        back.writeBytes(chunk);
      }
      f.close();
      assertArrayEquals(out, back.toByteArray());
      assertEquals(1, echo.connections());
      assertEquals(size, echo.bytes());
      loop.advance(Duration.ofSeconds(61));
      assertEquals(0, server.tcpLayer().connectionCount());
      assertEquals(0, client.tcpLayer().connectionCount());
      server.close();
      client.close();
    }
  }
}
