package io.morgana.net.dhcp.wire;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;

/**
 * One route of the classless static route option (121, RFC 3442): a destination network and the
 * router to reach it through ({@code 0.0.0.0}: on-link). A destination of {@code 0.0.0.0/0} is
 * the default route, which takes precedence over the router option (RFC 3442 §2).
 */
public record ClasslessRoute(Ipv4Cidr destination, Ipv4Address router) {

  /** Whether this is the default route ({@code 0.0.0.0/0}). */
  public boolean isDefault() {
    return destination.prefixLength() == 0;
  }
}
