package io.morgana.net.dhcp.server;

import java.io.IOException;
import java.util.List;

/**
 * Where a DHCP server keeps its bindings across restarts: a file ({@link LeaseDatabase}) or a
 * region of a disk ({@link BlockLeaseStore}). Every {@link #save} replaces the whole set, and a
 * crash at any moment leaves either the previous set or the new one, complete. Blocking: call
 * off the loop ({@link io.morgana.runtime.EventLoop#offload}).
 */
public interface LeaseStore {

  /** The bindings last saved; none if nothing was ever saved. */
  List<LeaseDatabase.Stored> load() throws IOException;

  /** Replaces the stored bindings with {@code leases}, durably, before returning. */
  void save(List<LeaseDatabase.Stored> leases) throws IOException;
}
