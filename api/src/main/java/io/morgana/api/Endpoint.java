package io.morgana.api;

/**
 * An IPv4 address and a transport port, one end of a {@link Flow}.
 *
 * @param address the host
 * @param port 0..65535
 */
public record Endpoint(Ipv4Address address, int port) {

  public Endpoint {
    if (address == null) {
      throw new IllegalArgumentException("address must not be null");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }

  /** {@code 192.0.2.2:80}. */
  @Override
  public String toString() {
    return address + ":" + port;
  }
}
