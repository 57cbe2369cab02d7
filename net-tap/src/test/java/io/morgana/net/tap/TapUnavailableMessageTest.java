package io.morgana.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.nativeio.Libc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one clear message of issue 3: it names the device, /dev/net/tun and CAP_NET_ADMIN. */
class TapUnavailableMessageTest {

  @ParameterizedTest
  @ValueSource(ints = {Libc.EACCES, Libc.EPERM, Libc.ENOENT, Libc.ENODEV, 999})
  void namesTheDeviceTheCloneDeviceAndCapNetAdmin(int errno) {
    TapUnavailableException e = TapNetif.openFailure("mg7", errno, "open /dev/net/tun");
    String m = e.getMessage();
    assertTrue(m.contains("mg7"), m);
    assertTrue(m.contains("/dev/net/tun"), m);
    assertTrue(m.contains("CAP_NET_ADMIN"), m);
    assertTrue(m.contains(Libc.errnoName(errno)), m);
    assertEquals(errno, e.errno());
    assertEquals("mg7", e.device());
    assertTrue(!m.contains("\n"), "one line: " + m);
  }

  @ParameterizedTest
  @ValueSource(ints = {Libc.EBUSY, Libc.EINVAL})
  void busyAndWrongKindSaySo(int errno) {
    String m = TapNetif.openFailure("mg7", errno, "ioctl(TUNSETIFF)").getMessage();
    assertTrue(m.contains("mg7") && m.contains(Libc.errnoName(errno)), m);
    assertTrue(m.contains(errno == Libc.EBUSY ? "busy" : "not a TAP device"), m);
  }
}
