package io.morgana.net.tcpip.tcp;

import java.util.Arrays;

/**
 * The connections whose timers may come due, ordered by deadline: a binary min-heap in an array,
 * each connection in it at most once, at {@link TcpConnection#heapIndex} under the key {@link
 * TcpConnection#heapDeadline}. The key is a lower bound of the connection's earliest deadline,
 * not always equal to it: a deadline that moves earlier lowers the key at once ({@link
 * #lowerTo}), one that moves later (an ACK clearing the retransmission timer) is left for the
 * connection to be looked at when the old key comes due, and then put back under its true
 * deadline. So a timer costs O(log n) when it is set earlier and when it comes due, and the
 * layer looks only at connections that may be due — not, as a scan would, at every connection
 * whenever one of them is (a busy connection among 100,000 idle ones made each of its exchanges
 * about 9× slower that way: {@code TcpScale --mode=active}).
 *
 * <p>Loop thread only. Grows by doubling; never allocates otherwise.
 */
final class DeadlineHeap {

  private TcpConnection[] heap = new TcpConnection[64];
  private int size;

  /** The earliest key, or {@link TcpConnection#NONE} when the heap is empty. */
  long earliest() {
    return size == 0 ? TcpConnection.NONE : heap[0].heapDeadline;
  }

  int size() {
    return size;
  }

  /**
   * Makes {@code c}'s key at most {@code deadline}: adds it when absent, moves it up when the new
   * key is earlier, and does nothing when its key is already as early.
   */
  void lowerTo(TcpConnection c, long deadline) {
    if (deadline >= c.heapDeadline) {
      return;
    }
    c.heapDeadline = deadline;
    if (c.heapIndex < 0) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, 2 * size);
      }
      c.heapIndex = size;
      heap[size++] = c;
    }
    siftUp(c.heapIndex);
  }

  /** The connection with the earliest key if that key is at most {@code now}, taken out; else null. */
  TcpConnection pollDue(long now) {
    if (size == 0 || heap[0].heapDeadline > now) {
      return null;
    }
    TcpConnection c = heap[0];
    removeAt(0);
    return c;
  }

  /** Takes {@code c} out if it is in. */
  void remove(TcpConnection c) {
    if (c.heapIndex >= 0) {
      removeAt(c.heapIndex);
    }
  }

  private void removeAt(int i) {
    TcpConnection gone = heap[i];
    gone.heapIndex = -1;
    gone.heapDeadline = TcpConnection.NONE;
    TcpConnection last = heap[--size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      last.heapIndex = i;
      siftDown(i);
      siftUp(last.heapIndex);
    }
  }

  private void siftUp(int i) {
    TcpConnection c = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      TcpConnection p = heap[parent];
      if (p.heapDeadline <= c.heapDeadline) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = c;
    c.heapIndex = i;
  }

  private void siftDown(int i) {
    TcpConnection c = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].heapDeadline < heap[child].heapDeadline) {
        child = right;
      }
      if (c.heapDeadline <= heap[child].heapDeadline) {
        break;
      }
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = c;
    c.heapIndex = i;
  }
}
