package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.testkit.TestKernel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ${appClass}Test {

  @Test
  void storesEachDatagramAndAnswers() throws Exception {
    try (TestKernel<SwitchKernel> kernel =
            TestKernel.boot(DaggerSwitchKernel.factory()::create, "--ipv4=192.0.2.2/24", "--ram-disk-size=4M");
        TcpipStack client = new TcpipStack(
            kernel.component().ethernet().newPort(), kernel.loop(), Ipv4Config.of("192.0.2.1/24", null))) {
      assertTrue(kernel.isRunning());
      List<String> answers = new ArrayList<>();
      client.udp().listen(6000, (src, sport, dst, dport, payload) -> answers.add(payload.toString(StandardCharsets.UTF_8)));

      client.udp().write(Ipv4Address.parse("192.0.2.2"), 5000, 6000, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
      kernel.runUntilIdle();

      assertEquals(List.of("stored inbox/0.txt"), answers);
      ByteBuf stored = kernel.component().kv().get("inbox/0.txt").orElseThrow();
      try {
        assertEquals("hello", stored.toString(StandardCharsets.UTF_8));
      } finally {
        stored.release();
      }
    }
  }
}
