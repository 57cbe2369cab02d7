package io.morgana.net.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.net.dhcp.server.DhcpPool;
import io.morgana.net.dhcp.server.DhcpServer;
import io.morgana.net.dhcp.server.DhcpServerCounter;
import io.morgana.net.dhcp.server.LeaseDatabase;
import io.morgana.net.dhcp.server.LeaseStore;
import io.morgana.net.dhcp.server.ServerLease;
import io.morgana.net.dhcp.wire.DhcpMessage;
import io.morgana.net.dhcp.wire.DhcpPacket;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DhcpServer} on a {@link TcpipStack}: UDP port 67, the stack's address as the server
 * identifier, bindings kept in a {@link LeaseStore} (a {@link LeaseDatabase} file, a {@link
 * io.morgana.net.dhcp.server.BlockLeaseStore} disk) when one is given. Database writes run off
 * the loop ({@link EventLoop#offload}), one at a time; changes made meanwhile are written together
 * by the next one, and the ACKs that wait on a write go out when it is durable. Expiry times are
 * kept on the loop clock and stored as wall-clock seconds (the {@link Clock} given).
 */
public final class StackDhcpServer implements Pollable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StackDhcpServer.class);
  private static final long SECOND = 1_000_000_000L;

  private final TcpipStack stack;
  private final EventLoop loop;
  private final DhcpPool pool;
  private final Optional<? extends LeaseStore> database;
  private final Clock wall;
  private final List<LeaseDatabase.Stored> restored;
  private DhcpServer server;
  private EventLoop.Cancellable registration;
  // Loop-thread state of the writer.
  private boolean writing;
  private List<ServerLease> pendingSnapshot;
  private List<Runnable> pendingThen = new ArrayList<>();

  /**
   * A server for {@code pool} on {@code stack}; reads the database now (blocking: build it off the
   * loop, as {@link io.morgana.runtime.Kernel} builds applications).
   */
  public StackDhcpServer(TcpipStack stack, EventLoop loop, DhcpPool pool, Optional<? extends LeaseStore> database,
      Clock wall)
      throws IOException {
    this.stack = stack;
    this.loop = loop;
    this.pool = pool;
    this.database = database;
    this.wall = wall;
    this.restored = database.isPresent() ? database.get().load() : List.of();
  }

  /** Starts serving: listens on port 67. Returns when the server is running on the loop. Any thread. */
  public CompletionStage<Void> start() {
    CompletableFuture<Void> started = new CompletableFuture<>();
    new LoopBridge(loop).post(now -> {
      long wallNow = wall.instant().getEpochSecond();
      List<ServerLease> leases = new ArrayList<>();
      for (LeaseDatabase.Stored s : restored) {
        long left = s.expiresEpochSecond() - wallNow;
        if (left > 0) {
          leases.add(new ServerLease(s.mac(), s.address(), now + left * SECOND));
        }
      }
      server = new DhcpServer(pool, new Host(), leases, now);
      stack.udp().listen(DhcpPacket.SERVER_PORT, (src, sport, dst, dport, payload) -> onDatagram(payload));
      registration = loop.register(this);
      LOG.info("dhcp-server: serving {}-{} on {} as {}; {} lease(s) restored", pool.first(), pool.last(), pool.network(),
          pool.serverId(), server.leases().size());
      started.complete(null);
    });
    return started;
  }

  /** The state machine (loop thread), null before {@link #start}. */
  public DhcpServer server() {
    return server;
  }

  private void onDatagram(ByteBuf payload) {
    DhcpMessage m;
    try {
      m = DhcpMessage.parse(payload);
    } catch (MalformedPacketException e) {
      server.counters().increment(DhcpServerCounter.RX_DROP_MALFORMED);
      return;
    }
    server.receive(m, loop.nowNanos());
  }

  @Override
  public boolean poll(long nowNanos) {
    return server.poll(nowNanos);
  }

  @Override
  public long nextDeadlineNanos() {
    DhcpServer s = server;
    return s == null ? NO_DEADLINE : s.nextDeadlineNanos();
  }

  @Override
  public void close() {
    if (registration != null) {
      registration.cancel();
    }
  }

  private void write() {
    List<ServerLease> snapshot = pendingSnapshot;
    List<Runnable> then = pendingThen;
    pendingSnapshot = null;
    pendingThen = new ArrayList<>();
    writing = true;
    long now = loop.nowNanos();
    long wallNow = wall.instant().getEpochSecond();
    List<LeaseDatabase.Stored> stored = new ArrayList<>(snapshot.size());
    for (ServerLease l : snapshot) {
      stored.add(new LeaseDatabase.Stored(l.mac(), l.address(), wallNow + Math.ceilDiv(l.expiresAtNanos() - now, SECOND)));
    }
    LeaseStore db = database.orElseThrow();
    loop.offload(() -> {
          db.save(stored);
          return null;
        })
        .whenComplete((ok, failure) -> {
          writing = false;
          if (failure != null) {
            server.counters().increment(DhcpServerCounter.PERSIST_FAILURES);
            LOG.error("dhcp-server: cannot write {}; {} ACK(s) withheld", db, then.size(), failure);
          } else {
            then.forEach(Runnable::run);
          }
          if (pendingSnapshot != null) {
            write();
          }
        });
  }

  private final class Host implements DhcpServer.Host {
    @Override
    public void send(DhcpMessage reply, Ipv4Address destination, int port, long now) {
      ByteBuf b = stack.allocate(reply.encodedLength());
      reply.emit(b);
      stack.udp().send(destination, port, DhcpPacket.SERVER_PORT, b, now);
    }

    @Override
    public void persist(List<ServerLease> bound, Runnable then) {
      if (database.isEmpty()) {
        then.run();
        return;
      }
      pendingSnapshot = bound;
      pendingThen.add(then);
      if (!writing) {
        write();
      }
    }
  }

}
