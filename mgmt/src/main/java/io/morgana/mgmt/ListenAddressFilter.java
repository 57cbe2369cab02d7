package io.morgana.mgmt;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Tcp} whose listeners keep only connections made to one local address ({@code
 * --mgmt-listen}) and reset the others at once: {@link Tcp#listen} takes a port but no address, so
 * "listening only where configured" is enforced on each accepted connection. {@code 0.0.0.0}
 * keeps every connection.
 */
final class ListenAddressFilter implements Tcp {

  private static final Logger log = LoggerFactory.getLogger(ListenAddressFilter.class);
  private static final Ipv4Address ANY = Ipv4Address.parse("0.0.0.0");

  private final Tcp tcp;
  private final Ipv4Address address;

  ListenAddressFilter(Tcp tcp, Ipv4Address address) {
    this.tcp = tcp;
    this.address = address;
  }

  @Override
  public Listener listen(int port) throws IOException {
    Listener inner = tcp.listen(port);
    return new Listener() {
      @Override
      public int port() {
        return inner.port();
      }

      @Override
      public Flow accept() throws IOException {
        while (true) {
          Flow f = inner.accept();
          if (address.equals(ANY) || f.localEndpoint().address().equals(address)) {
            return f;
          }
          log.debug("management: refused {} (listening on {} only)", f, address);
          f.abort();
        }
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  @Override
  public Flow connect(Endpoint remote, Duration timeout) throws IOException {
    return tcp.connect(remote, timeout);
  }
}
