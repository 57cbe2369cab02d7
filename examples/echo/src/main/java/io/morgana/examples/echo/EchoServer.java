package io.morgana.examples.echo;

import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Udp;
import io.morgana.mgmt.Management;
import io.morgana.runtime.Application;
import io.netty.buffer.ByteBuf;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The echo service of RFC 862 over UDP, and over TCP through {@link TcpEcho}. UDP: every datagram received on its port ({@value #PORT} unless
 * {@code --port} says otherwise, see {@link EchoModule}) goes back to its sender, from that port,
 * with the same payload. Pings are answered by the stack's
 * ICMP, so this class only listens on UDP.
 *
 * <p>Names only api interfaces: the same class runs over a TAP device ({@link TapKernel}), Xen
 * netfront, the host's sockets ({@link SocketKernel}) or an in-memory switch in a test. The
 * reply is a retained duplicate of the received payload, so the application copies nothing;
 * because a duplicate shares the interface's receive buffer, the stack copies it once into a pooled buffer of its own with headroom rather than write
 * its headers over bytes the interface still owns (the ownership rule of {@link Udp#write}).
 */
public final class EchoServer implements Application {

  /** The echo port of RFC 862, the default. */
  public static final int PORT = 7;

  private static final Logger LOG = LoggerFactory.getLogger(EchoServer.class);

  private final Udp udp;
  private final Optional<Ip> ip;
  private final int port;
  private final TcpEcho tcpEcho;
  private final DiscardChargen discardChargen;
  private final Optional<Management> management;
  private long echoed;

  /** An echo server on port {@value #PORT} over {@code udp}; {@code ip} is read only to log the address. */
  public EchoServer(Udp udp, Ip ip) {
    this(udp, ip, PORT);
  }

  /** An echo server on {@code port} over {@code udp}; {@code ip} is read only to log the address. */
  public EchoServer(Udp udp, Ip ip, int port) {
    this(udp, Optional.of(ip), port, null, null);
  }

  /**
   * UDP echo and, when not null, TCP echo ({@link TcpEcho}) on the same port, TCP discard and
   * chargen ({@link DiscardChargen}) on ports 9 and 19 (or as configured). {@code ip}, read only
   * to log the address, is empty over the host's sockets ({@link SocketKernel}).
   */
  public EchoServer(Udp udp, Optional<Ip> ip, @Named("echo-port") int port, TcpEcho tcpEcho,
      DiscardChargen discardChargen) {
    this(udp, ip, port, tcpEcho, discardChargen, Optional.empty());
  }

  /** As above, with the kernel's management ({@code --mgmt-port}, {@code --mgmt-console}) when it has one. */
  @Inject
  public EchoServer(Udp udp, Optional<Ip> ip, @Named("echo-port") int port, TcpEcho tcpEcho,
      DiscardChargen discardChargen, Optional<Management> management) {
    this.management = management;
    this.udp = udp;
    this.ip = ip;
    this.port = port;
    this.tcpEcho = tcpEcho;
    this.discardChargen = discardChargen;
  }

  /** TCP discard and chargen, or null. */
  public DiscardChargen discardChargen() {
    return discardChargen;
  }

  /** The TCP echo service, or null. */
  public TcpEcho tcpEcho() {
    return tcpEcho;
  }

  /** Listens on its UDP port; serves until the kernel stops (never completes). */
  @Override
  public CompletionStage<?> start() {
    udp.listen(port, this::onDatagram);
    management.ifPresent(Management::start);
    if (tcpEcho != null) {
      tcpEcho.start();
    }
    if (discardChargen != null) {
      discardChargen.start();
    }
    if (ip.isPresent()) {
      LOG.info("echo: answering pings and echoing UDP and TCP port {} at {}", port,
          ip.get().address().map(Object::toString).orElse("(no address yet)"));
    } else {
      LOG.info("echo: echoing UDP and TCP port {} over the host's sockets", port);
    }
    return new CompletableFuture<Void>();
  }

  /** Datagrams echoed so far. Loop thread. */
  public long echoed() {
    return echoed;
  }

  private void onDatagram(
      Ipv4Address source, int sourcePort, Ipv4Address destination, int destinationPort, ByteBuf payload) {
    if (udp.write(source, sourcePort, port, payload.retainedDuplicate())) {
      echoed++;
    }
  }
}
