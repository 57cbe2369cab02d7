package io.morgana.xen.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.Libc;
import io.morgana.xen.evtchn.EventChannelException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /dev/xen/evtchn} read/dispatch/unmask cycle over a stand-in descriptor: one end of
 * a non-blocking socket pair plays the device (the test writes "pending ports" into the other
 * end as native u32s and reads back the ports written to unmask them). No Xen needed.
 */
class LinuxEventChannelsTest {

  private final DeterministicLoop loop = new DeterministicLoop();
  private final Arena arena = Arena.ofConfined();
  private final Errno errno = new Errno(arena);
  private int device;
  private int peer;
  private LinuxEventChannels events;
  private final List<Integer> fired = new ArrayList<>();

  @BeforeEach
  void setUp() {
    MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
    assertEquals(0, Libc.socketpair(errno, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK, 0, fds));
    device = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
    peer = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
    events = new LinuxEventChannels(device, loop);
    events.adopt(5);
    events.adopt(9);
  }

  @AfterEach
  void tearDown() {
    events.close();
    Libc.closeQuietly(peer);
    arena.close();
  }

  private void firePorts(int... ports) {
    MemorySegment b = arena.allocate(4L * ports.length, 4);
    for (int i = 0; i < ports.length; i++) {
      b.setAtIndex(ValueLayout.JAVA_INT, i, ports[i]);
    }
    assertEquals(4L * ports.length, Libc.write(errno, peer, b, b.byteSize()));
  }

  private List<Integer> unmasked() {
    MemorySegment b = arena.allocate(256, 4);
    long n = Libc.read(errno, peer, b, b.byteSize());
    List<Integer> out = new ArrayList<>();
    for (long i = 0; i + 4 <= Math.max(n, 0); i += 4) {
      out.add(b.get(ValueLayout.JAVA_INT, i));
    }
    return out;
  }

  @Test
  void pendingPortsRunTheirHandlersAndAreUnmasked() {
    events.setHandler(5, fired::add);
    firePorts(5, 5);
    loop.runUntilIdle();
    assertEquals(List.of(5, 5), fired);
    assertEquals(List.of(5, 5), unmasked());
  }

  @Test
  void portWithoutHandlerStaysPendingUntilOneIsSet() {
    firePorts(9);
    loop.runUntilIdle();
    assertEquals(List.of(), fired);
    assertEquals(List.of(), unmasked());
    events.setHandler(9, fired::add);
    loop.runUntilIdle();
    assertEquals(List.of(9), fired);
    assertEquals(List.of(9), unmasked());
  }

  @Test
  void maskedPortIsHeldAndDeliveredOnUnmask() {
    events.setHandler(5, fired::add);
    events.mask(5);
    firePorts(5);
    loop.runUntilIdle();
    assertEquals(List.of(), fired);
    events.unmask(5);
    loop.runUntilIdle();
    assertEquals(List.of(5), fired);
    assertEquals(List.of(5), unmasked());
  }

  @Test
  void ioctlsOnSomethingThatIsNotTheDeviceFailWithTheErrno() {
    EventChannelException e = assertThrows(EventChannelException.class, () -> events.allocUnbound(0));
    assertTrue(e.getMessage().contains("IOCTL_EVTCHN_BIND_UNBOUND_PORT"), e.getMessage());
    assertEquals(device, events.readinessFd());
  }
}
