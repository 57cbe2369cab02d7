package io.morgana.net.tcpip.tcp;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stack-wide bound on data held for sending ({@link TcpSettings#sendBudget}): bytes the
 * application has written and the peers have not yet acknowledged, over all connections of one
 * {@link TcpLayer}. Each connection charges the bytes it takes into its send queue and gives them
 * back as they are acknowledged, or all at once when it ends.
 *
 * <p>The rule when the budget runs short:
 *
 * <ul>
 *   <li>A connection with nothing charged may always take one MSS, whatever the others hold: it
 *       has nothing in flight whose acknowledgement could free room for it, so without this floor
 *       connections stalled by their peers (a zero window) could lock it out for ever. The total
 *       is therefore bounded by {@code sendBudget} plus one MSS per connection.
 *   <li>A write that finds too little room waits, its connection at the back of a FIFO line. Room
 *       freed by an acknowledgement or by a connection ending goes to the line first, in order;
 *       each connection served takes what its send buffer allows and goes to the back if its
 *       write still waits. While anyone waits, other connections take nothing beyond the floor.
 *       No connection can take room ahead of one waiting, so none waits for ever while room is
 *       being freed.
 * </ul>
 *
 * <p>The count is shared with application threads ({@link TcpService}'s write-behind reserves
 * strictly within the budget, and never while a write waits); the line is the loop's alone.
 */
final class SendBudget {

  private final long budget;
  private final AtomicLong held = new AtomicLong();
  /** Connections whose write waits for room, in order of arrival (loop only). */
  private final ArrayDeque<TcpConnection> waiting = new ArrayDeque<>();
  /** Whether a write waits: application threads then leave new room to it. */
  private volatile boolean contended;

  SendBudget(long budget) {
    this.budget = budget;
  }

  /** Bytes charged by all connections (and write-behinds on their way to the loop). */
  long held() {
    return held.get();
  }

  /**
   * Any thread: charges {@code n} bytes if they fit the budget and no write waits for room;
   * otherwise charges nothing.
   */
  boolean tryReserve(long n) {
    if (contended) {
      return false;
    }
    while (true) {
      long h = held.get();
      if (h + n > budget) {
        return false;
      }
      if (held.compareAndSet(h, h + n)) {
        return true;
      }
    }
  }

  /**
   * Loop: charges up to {@code want} bytes and returns how many. {@code floor} is what the
   * connection may take whatever the budget (one MSS when it holds nothing, else 0); {@code
   * served} says the connection is being served from the line, so others waiting do not hold it
   * back.
   */
  long reserve(long want, long floor, boolean served) {
    while (true) {
      long h = held.get();
      long room = (contended && !served) ? 0 : Math.max(0, budget - h);
      long n = Math.min(want, Math.max(room, floor));
      if (n <= 0 || held.compareAndSet(h, h + n)) {
        return Math.max(0, n);
      }
    }
  }

  /** Gives back {@code n} charged bytes. */
  void release(long n) {
    if (n != 0) {
      held.addAndGet(-n);
    }
  }

  /** Whether the line holds no connection. */
  boolean nobodyWaits() {
    return waiting.isEmpty();
  }

  /**
   * Puts {@code c} at the back of the line, unless it is in it already (it waited before and its
   * old place has not come up yet): each connection is in the line at most once, so the line
   * never holds more than the connections.
   */
  void await(TcpConnection c) {
    if (!c.inBudgetLine) {
      c.inBudgetLine = true;
      waiting.add(c);
    }
    contended = true;
  }

  /** Whether there is room to hand to the line. */
  boolean hasRoom() {
    return held.get() < budget;
  }

  /** The first connection in line, left there, or {@code null}. */
  TcpConnection first() {
    return waiting.peek();
  }

  /** The first connection in line, taken out of it, or {@code null}. */
  TcpConnection next() {
    TcpConnection c = waiting.poll();
    if (c != null) {
      c.inBudgetLine = false;
    }
    return c;
  }

  /** Connections in line. */
  int waiters() {
    return waiting.size();
  }

  /** Recomputes the flag application threads read, after the line changed. */
  void lineChanged() {
    contended = !waiting.isEmpty();
  }
}
