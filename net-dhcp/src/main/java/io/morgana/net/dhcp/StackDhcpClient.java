package io.morgana.net.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.net.dhcp.client.DhcpClient;
import io.morgana.net.dhcp.client.DhcpClientCounter;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.net.dhcp.wire.DhcpMessage;
import io.morgana.net.dhcp.wire.DhcpPacket;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DhcpClient} driving one {@link TcpipStack}: it listens on UDP port 68, sends through the
 * stack's UDP, probes with the stack's ARP and configures the stack's IPv4 from the lease. A
 * {@link Pollable} on the stack's loop. {@link #attach} crosses to the loop itself; everything
 * else runs on the loop thread.
 */
public final class StackDhcpClient implements DhcpLeases, Pollable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StackDhcpClient.class);

  private final EventLoop loop;
  private final DhcpClient.Settings settings;
  private final Optional<Ipv4Address> remembered;
  private final RandomGenerator random;
  private final boolean releaseOnClose;
  private volatile TcpipStack stack;
  private volatile DhcpClient client;
  private volatile DhcpLease current;
  private EventLoop.Cancellable registration;
  private long startedAt;
  private final java.util.List<DhcpClient.Listener> early = new java.util.ArrayList<>(); // loop thread

  /**
   * A client to attach to a stack later.
   *
   * @param remembered an address to ask for first (INIT-REBOOT), if any
   * @param releaseOnClose whether {@link #close()} sends a RELEASE
   */
  public StackDhcpClient(
      EventLoop loop, DhcpClient.Settings settings, Optional<Ipv4Address> remembered, RandomGenerator random,
      boolean releaseOnClose) {
    this.loop = loop;
    this.settings = settings;
    this.remembered = remembered;
    this.random = random;
    this.releaseOnClose = releaseOnClose;
  }

  /**
   * Starts the client on {@code stack} (which must be unconfigured): listens on port 68 and
   * sends the first DISCOVER (or REQUEST, with a remembered address) at once. Any thread.
   *
   * @throws IllegalStateException if the stack already has an address or a client is attached
   */
  public void attach(TcpipStack stack) {
    if (this.stack != null) {
      throw new IllegalStateException("the DHCP client is already attached to a stack");
    }
    if (stack.ip().address().isPresent()) {
      throw new IllegalStateException(
          "the stack already has the address " + stack.ip().address().get() + ": DHCP and a static address exclude each other");
    }
    this.stack = stack;
    DhcpClient c = new DhcpClient(stack.netif().mac(), settings, new StackHost(stack), random);
    c.addListener(lease -> current = lease.orElse(null));
    c.addListener(
        lease ->
            LOG.info(
                "dhcp: {}",
                lease.map(l -> "bound " + l.address() + l.gateway().map(g -> " via " + g).orElse("") + " from " + l.server()
                        + " for " + l.leaseSeconds() + " s, " + (loop.nowNanos() - startedAt) / 1_000_000 + " ms after the client started")
                    .orElse("lease lost; the interface is unconfigured")));
    client = c;
    new LoopBridge(loop).post(
        now -> {
          stack.udp().listen(DhcpPacket.CLIENT_PORT, (src, sport, dst, dport, payload) -> onDatagram(payload));
          registration = loop.register(this);
          early.forEach(c::addListener);
          early.clear();
          startedAt = now;
          c.start(remembered, now);
        });
  }

  /** The state machine (loop thread), or null before {@link #attach}. */
  public DhcpClient client() {
    return client;
  }

  @Override
  public Optional<DhcpLease> lease() {
    return Optional.ofNullable(current);
  }

  /**
   * Adds a listener on the loop thread; it hears about later changes (none, if the client is
   * never attached: a kernel booted with a static address). Any thread.
   */
  @Override
  public void addListener(DhcpClient.Listener listener) {
    new LoopBridge(loop).post(() -> {
      DhcpClient c = client;
      if (c == null) {
        early.add(listener);
      } else {
        c.addListener(listener);
      }
    });
  }

  private void onDatagram(ByteBuf payload) {
    DhcpMessage m;
    try {
      m = DhcpMessage.parse(payload);
    } catch (MalformedPacketException e) {
      client.counters().increment(DhcpClientCounter.RX_DROP_MALFORMED);
      return;
    }
    client.receive(m, loop.nowNanos());
  }

  @Override
  public boolean poll(long nowNanos) {
    return client.poll(nowNanos);
  }

  @Override
  public long nextDeadlineNanos() {
    DhcpClient c = client;
    return c == null ? NO_DEADLINE : c.nextDeadlineNanos();
  }

  /**
   * Sends a RELEASE if configured to and a lease is held, and stops. Call on the loop thread or
   * when the loop no longer runs (at shutdown: the RELEASE then goes out only if the server's
   * hardware address is still cached).
   */
  @Override
  public void close() {
    DhcpClient c = client;
    if (c == null) {
      return;
    }
    if (registration != null) {
      registration.cancel();
    }
    if (releaseOnClose) {
      c.release(loop.nowNanos());
    }
  }

  /** The client's actions on the stack. */
  private final class StackHost implements DhcpClient.Host {
    private final TcpipStack stack;

    StackHost(TcpipStack stack) {
      this.stack = stack;
    }

    @Override
    public void send(DhcpMessage message, Ipv4Address destination, long now) {
      ByteBuf b = stack.allocate(message.encodedLength());
      message.emit(b);
      stack.udp().send(destination, DhcpPacket.SERVER_PORT, DhcpPacket.CLIENT_PORT, b, now);
    }

    @Override
    public void probe(Ipv4Address address, long now) {
      stack.arp()
          .query(address)
          .whenComplete((mac, failure) -> {
            if (failure == null) {
              LOG.warn("dhcp: {} is in use by {}; declining it", address, mac);
            }
            client.probeResult(address, failure == null, loop.nowNanos());
          });
    }

    @Override
    public void configure(DhcpLease lease, long now) {
      stack.ip().configure(lease.address(), lease.gateway().orElse(null));
    }

    @Override
    public void deconfigure(long now) {
      stack.ip().deconfigure();
    }
  }
}
