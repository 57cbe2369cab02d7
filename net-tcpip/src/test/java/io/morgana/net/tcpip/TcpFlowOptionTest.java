package io.morgana.net.tcpip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowOption;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.morgana.net.tcpip.tcp.TcpState;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-connection options set through {@link Flow#set} (and so through the loop bridge), two
 * stacks on a switch in virtual time: keep-alive and the user timeout of one flow end that flow
 * alone, with the documented {@link SocketTimeoutException}, while the stack's settings (neither)
 * apply to the others.
 */
class TcpFlowOptionTest {

  private static final int PORT = 7000;

  private DeterministicLoop loop;
  private EthernetSwitch ethernet;
  private EthernetSwitch.Port clientPort;
  private EthernetSwitch.Port serverPort;
  private TcpipStack client;
  private TcpipStack server;

  @BeforeEach
  void open() {
    loop = new DeterministicLoop(new FakeClock());
    ethernet = new EthernetSwitch(loop);
    clientPort = ethernet.newPort();
    serverPort = ethernet.newPort();
    TcpSettings settings = TcpSettings.DEFAULTS.withSecret(11);
    client = new TcpipStack(clientPort, loop, Ipv4Config.of("192.0.2.2/24", null), PooledByteBufAllocator.DEFAULT,
        settings);
    server = new TcpipStack(serverPort, loop, Ipv4Config.of("192.0.2.3/24", null), PooledByteBufAllocator.DEFAULT,
        settings);
  }

  @AfterEach
  void close() {
    loop.runUntilIdle();
    client.close();
    server.close();
    clientPort.close();
    serverPort.close();
    ethernet.close();
    loop.runUntilIdle();
  }

  /** Two connections from the client to one listener: the client's ends. */
  private Flow[] connectTwo(Tcp.Listener l) throws Exception {
    Flow[] flows = new Flow[2];
    for (int i = 0; i < 2; i++) {
      CompletionStage<Flow> accepted = loop.offload(l::accept);
      flows[i] = client.tcp().connect(new Endpoint(Ipv4Address.parse("192.0.2.3"), PORT), Duration.ofSeconds(10));
      loop.runUntilIdle();
      assertTrue(accepted.toCompletableFuture().isDone(), "accepted");
    }
    return flows;
  }

  private long established() {
    return client.tcp().layer().connections().stream().filter(c -> c.state() == TcpState.ESTABLISHED).count();
  }

  @Test
  void rfc9293_3_8_4_keepAliveSetOnOneFlowTimesOnlyThatFlowOutWhenThePeerFallsSilent() throws Exception {
    try (Tcp.Listener l = server.tcp().listen(PORT)) {
      Flow[] flows = connectTwo(l);
      flows[0].set(FlowOption.KEEP_ALIVE, new FlowOption.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(5), 3));
      serverPort.close(); // the peer falls silent
      IOException e = assertThrows(IOException.class, flows[0]::read);
      assertInstanceOf(SocketTimeoutException.class, e);
      assertTrue(e.getMessage().contains("keep-alive"), e.getMessage());
      assertEquals(3, client.stats().get(TcpCounter.TX_KEEPALIVE_PROBES));
      loop.advance(Duration.ofHours(3)); // beyond RFC 1122's two hours: the other flow has no keep-alive
      assertEquals(3, client.stats().get(TcpCounter.TX_KEEPALIVE_PROBES));
      assertEquals(1, client.stats().get(TcpCounter.CONNECTIONS_TIMED_OUT));
      assertEquals(1, established(), "the second flow is still established");
      flows[0].close();
      flows[1].abort();
    }
  }

  @Test
  void rfc5482_userTimeoutSetOnAFlowEndsItBeforeTheRetransmissionLimit() throws Exception {
    try (Tcp.Listener l = server.tcp().listen(PORT)) {
      Flow[] flows = connectTwo(l);
      flows[0].set(FlowOption.USER_TIMEOUT, Duration.ofSeconds(5));
      serverPort.close();
      ByteBuf data = Unpooled.directBuffer(1000).writeZero(1000);
      flows[0].write(data);
      IOException e = assertThrows(IOException.class, flows[0]::read);
      assertInstanceOf(SocketTimeoutException.class, e);
      assertTrue(e.getMessage().contains("user timeout"), e.getMessage());
      long retransmits = client.stats().get(TcpCounter.TX_RETRANSMITS);
      assertTrue(retransmits > 0 && retransmits < TcpSettings.DEFAULTS.dataRetries(),
          retransmits + " retransmissions: given up by the user timeout, not the count");
      assertEquals(1, established(), "the flow without a user timeout is untouched");
      flows[0].close();
      flows[1].abort();
    }
  }

  @Test
  void noDelayAndKeepAliveCanBeTurnedOffAgainAndOptionsAfterCloseThrow() throws Exception {
    try (Tcp.Listener l = server.tcp().listen(PORT)) {
      Flow[] flows = connectTwo(l);
      flows[0].set(FlowOption.NO_DELAY, true);
      flows[0].set(FlowOption.NO_DELAY, false);
      flows[0].set(FlowOption.KEEP_ALIVE, new FlowOption.KeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 1));
      flows[0].set(FlowOption.KEEP_ALIVE, FlowOption.KeepAlive.OFF);
      serverPort.close();
      loop.advance(Duration.ofHours(3));
      assertEquals(0, client.stats().get(TcpCounter.TX_KEEPALIVE_PROBES), "keep-alive was turned off again");
      assertEquals(2, established());
      flows[0].close();
      assertThrows(IOException.class, () -> flows[0].set(FlowOption.NO_DELAY, true));
      flows[1].abort();
    }
  }
}
