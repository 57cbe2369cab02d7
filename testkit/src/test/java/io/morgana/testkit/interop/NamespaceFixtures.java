package io.morgana.testkit.interop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Test classes run by {@link NetworkNamespaceExtensionTest} through the launcher, not by surefire. */
final class NamespaceFixtures {

  /** Namespaces the fixtures were given, and the pids of processes they started. */
  static final List<String> NAMES = new CopyOnWriteArrayList<>();

  static final List<Long> PIDS = new CopyOnWriteArrayList<>();

  private NamespaceFixtures() {}

  /** A test that starts a process in its namespace and then fails. */
  @ExtendWith(NetworkNamespaceExtension.class)
  static final class Failing {
    @Test
    void failsAfterStartingAProcess(NetworkNamespace ns) {
      NAMES.add(ns.name());
      PIDS.add(ns.start("sleep", "300").pid());
      throw new AssertionError("deliberate failure");
    }
  }
}
