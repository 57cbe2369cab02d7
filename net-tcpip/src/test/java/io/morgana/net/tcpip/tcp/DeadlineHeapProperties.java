package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link DeadlineHeap} against a model (a map from connection to key): random sequences of
 * lowering keys, removing connections and taking what is due; the heap must hand out exactly the
 * connections whose keys are due, earliest first, each once, and report the earliest key.
 */
class DeadlineHeapProperties {

  @Property(tries = 300, seed = "20261207")
  void handsOutExactlyTheDueConnectionsEarliestFirst(
      @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 99_999) Integer> ops,
      @ForAll @IntRange(min = 1, max = 64) int connectionCount) {
    try (TcpScript s = new TcpScript()) {
      List<TcpConnection> cs = new ArrayList<>();
      for (int i = 0; i < connectionCount; i++) {
        cs.add(new TcpConnection(s.tcp, i, 1, 1, 2, 1_000 + i, null, true));
      }
      DeadlineHeap heap = new DeadlineHeap();
      Map<TcpConnection, Long> model = new HashMap<>();
      long now = 0;
      for (int op : ops) {
        TcpConnection c = cs.get(op % connectionCount);
        switch ((op / connectionCount) % 4) {
          case 0, 1 -> { // a deadline set or moved (earlier or later) from now
            long d = now + (op % 997);
            heap.lowerTo(c, d);
            model.merge(c, d, Math::min);
          }
          case 2 -> {
            heap.remove(c);
            model.remove(c);
          }
          default -> { // time passes; everything due comes out, earliest first
            now += op % 331;
            long last = Long.MIN_VALUE;
            TcpConnection d;
            while ((d = heap.pollDue(now)) != null) {
              Long key = model.remove(d);
              assertTrue(key != null && key <= now, "handed out a connection not due: " + key);
              assertTrue(key >= last, "out of order");
              last = key;
              assertEquals(-1, d.heapIndex);
            }
            for (long key : model.values()) {
              assertTrue(key > now, "a due connection was left in");
            }
          }
        }
        assertEquals(model.size(), heap.size());
        assertEquals(model.values().stream().mapToLong(Long::longValue).min().orElse(TcpConnection.NONE),
            heap.earliest());
      }
      int left = 0;
      while (heap.pollDue(Long.MAX_VALUE - 1) != null) {
        left++;
      }
      assertEquals(model.size(), left, "every connection left in comes out once");
      assertEquals(TcpConnection.NONE, heap.earliest());
    }
  }
}
