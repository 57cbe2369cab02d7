package com.example.notes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.testkit.TestKernel;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// snippet: test
class NotesTest {

  private final TestKernel<SwitchKernel> kernel =
      TestKernel.boot(DaggerSwitchKernel.factory()::create, "--ipv4=192.0.2.2/24", "--ram-disk-size=4M");
  private final TcpipStack client =
      new TcpipStack(kernel.component().ethernet().newPort(), kernel.loop(), Ipv4Config.of("192.0.2.1/24", null));
  private final List<String> answers = new ArrayList<>();

  private void send(String request) {
    client.udp().write(Ipv4Address.parse("192.0.2.2"), 5000, 6000, Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
    kernel.runUntilIdle();
  }

  @Test
  void addThenList() {
    assertTrue(kernel.isRunning());
    client.udp().listen(6000, (src, sport, dst, dport, payload) -> answers.add(payload.toString(StandardCharsets.UTF_8)));
    send("add milk");
    send("add eggs");
    send("list");
    assertEquals(List.of("added notes/0.txt", "added notes/1.txt", "milk\neggs\n"), answers);
  }
  // snippet: end

  @Test
  void anUnknownRequestGetsTheUsage() {
    client.udp().listen(6000, (src, sport, dst, dport, payload) -> answers.add(payload.toString(StandardCharsets.UTF_8)));
    send("delete everything");
    assertEquals(List.of("usage: add TEXT | list"), answers);
  }

  @AfterEach
  void close() {
    client.close();
    kernel.close();
  }
}
