package io.morgana.net.tcpip;

/**
 * Configures a stack's IPv4 after the stack is built — a DHCP client. A component binds at most
 * one ({@link TcpipStackModule} declares it optional); the {@link TcpipStack} Dagger builds calls
 * {@link #attach} once, right after its construction, on the thread that builds it.
 */
@FunctionalInterface
public interface DynamicIpv4 {

  /** Starts configuring {@code stack}; crosses to the loop itself (any thread). */
  void attach(TcpipStack stack);
}
