package io.morgana.xen.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ioctl numbers and argument layouts against xen-abi.md section 7 and against the real headers, compiled with gcc. */
class XenIoctlsTest {

  @Test
  void numbersMatchXenAbiDigest() {
    assertEquals(0x00044500L, XenIoctls.IOCTL_EVTCHN_BIND_VIRQ);
    assertEquals(0x00084501L, XenIoctls.IOCTL_EVTCHN_BIND_INTERDOMAIN);
    assertEquals(0x00044502L, XenIoctls.IOCTL_EVTCHN_BIND_UNBOUND_PORT);
    assertEquals(0x00044503L, XenIoctls.IOCTL_EVTCHN_UNBIND);
    assertEquals(0x00044504L, XenIoctls.IOCTL_EVTCHN_NOTIFY);
    assertEquals(0x00004505L, XenIoctls.IOCTL_EVTCHN_RESET);
    assertEquals(0x00184705L, XenIoctls.IOCTL_GNTALLOC_ALLOC_GREF);
    assertEquals(0x00104706L, XenIoctls.IOCTL_GNTALLOC_DEALLOC_GREF);
    assertEquals(0x00104707L, XenIoctls.IOCTL_GNTALLOC_SET_UNMAP_NOTIFY);
  }

  @Test
  void layoutsMatchXenAbiDigest() {
    StructLayout a = XenIoctls.GNTALLOC_ALLOC_GREF_LAYOUT;
    assertEquals(24, a.byteSize());
    assertEquals(0, XenIoctls.offsetOf(a, "domid"));
    assertEquals(2, XenIoctls.offsetOf(a, "flags"));
    assertEquals(4, XenIoctls.offsetOf(a, "count"));
    assertEquals(8, XenIoctls.offsetOf(a, "index"));
    assertEquals(16, XenIoctls.offsetOf(a, "gref_ids"));
    assertEquals(16, XenIoctls.GNTALLOC_DEALLOC_GREF_LAYOUT.byteSize());
    assertEquals(8, XenIoctls.offsetOf(XenIoctls.GNTALLOC_DEALLOC_GREF_LAYOUT, "count"));
    assertEquals(16, XenIoctls.GNTALLOC_UNMAP_NOTIFY_LAYOUT.byteSize());
    assertEquals(8, XenIoctls.offsetOf(XenIoctls.GNTALLOC_UNMAP_NOTIFY_LAYOUT, "action"));
    assertEquals(12, XenIoctls.offsetOf(XenIoctls.GNTALLOC_UNMAP_NOTIFY_LAYOUT, "event_channel_port"));
    assertEquals(8, XenIoctls.EVTCHN_BIND_INTERDOMAIN_LAYOUT.byteSize());
    assertEquals(4, XenIoctls.offsetOf(XenIoctls.EVTCHN_BIND_INTERDOMAIN_LAYOUT, "remote_port"));
  }

  @Test
  void numbersAndLayoutsMatchTheHeadersCompiledByGcc(@TempDir Path dir) throws Exception {
    HostTools.require("gcc");
    if (!Files.exists(Path.of("/usr/include/xen/evtchn.h")) || !Files.exists(Path.of("/usr/include/xen/gntalloc.h"))) {
      HostTools.unavailable("/usr/include/xen/evtchn.h and gntalloc.h (Debian linux-libc-dev) are missing");
      return;
    }
    String c = """
        #include <stdio.h>
        #include <stddef.h>
        #include <sys/ioctl.h>
        #include <linux/types.h>
        typedef __u16 domid_t; /* evtchn.h uses it without defining it in user space */
        #include <xen/evtchn.h>
        #include <xen/gntalloc.h>
        #define N(x) printf(#x " %lu\\n", (unsigned long)(x))
        int main(void) {
          N(IOCTL_EVTCHN_BIND_VIRQ); N(IOCTL_EVTCHN_BIND_INTERDOMAIN); N(IOCTL_EVTCHN_BIND_UNBOUND_PORT);
          N(IOCTL_EVTCHN_UNBIND); N(IOCTL_EVTCHN_NOTIFY); N(IOCTL_EVTCHN_RESET);
          N(IOCTL_GNTALLOC_ALLOC_GREF); N(IOCTL_GNTALLOC_DEALLOC_GREF); N(IOCTL_GNTALLOC_SET_UNMAP_NOTIFY);
          N(sizeof(struct ioctl_evtchn_bind_interdomain));
          N(offsetof(struct ioctl_evtchn_bind_interdomain, remote_port));
          N(sizeof(struct ioctl_evtchn_bind_unbound_port));
          N(sizeof(struct ioctl_evtchn_notify));
          N(sizeof(struct ioctl_gntalloc_alloc_gref));
          N(offsetof(struct ioctl_gntalloc_alloc_gref, flags));
          N(offsetof(struct ioctl_gntalloc_alloc_gref, count));
          N(offsetof(struct ioctl_gntalloc_alloc_gref, index));
          N(offsetof(struct ioctl_gntalloc_alloc_gref, gref_ids));
          N(sizeof(struct ioctl_gntalloc_dealloc_gref));
          N(offsetof(struct ioctl_gntalloc_dealloc_gref, count));
          N(sizeof(struct ioctl_gntalloc_unmap_notify));
          N(offsetof(struct ioctl_gntalloc_unmap_notify, action));
          N(offsetof(struct ioctl_gntalloc_unmap_notify, event_channel_port));
          N(GNTALLOC_FLAG_WRITABLE); N(UNMAP_NOTIFY_CLEAR_BYTE); N(UNMAP_NOTIFY_SEND_EVENT);
          return 0;
        }
        """;
    Path src = dir.resolve("ioctls.c");
    Path exe = dir.resolve("ioctls");
    Files.writeString(src, c);
    run(dir, "gcc", "-Wall", "-o", exe.toString(), src.toString());
    Map<String, Long> got = new LinkedHashMap<>();
    for (String line : run(dir, exe.toString()).split("\n")) {
      String l = line.trim();
      int sp = l.lastIndexOf(' ');
      got.put(l.substring(0, sp), Long.parseLong(l.substring(sp + 1)));
    }
    var ia = XenIoctls.EVTCHN_BIND_INTERDOMAIN_LAYOUT;
    var ag = XenIoctls.GNTALLOC_ALLOC_GREF_LAYOUT;
    var dg = XenIoctls.GNTALLOC_DEALLOC_GREF_LAYOUT;
    var un = XenIoctls.GNTALLOC_UNMAP_NOTIFY_LAYOUT;
    Map<String, Long> ours = new LinkedHashMap<>();
    ours.put("IOCTL_EVTCHN_BIND_VIRQ", XenIoctls.IOCTL_EVTCHN_BIND_VIRQ);
    ours.put("IOCTL_EVTCHN_BIND_INTERDOMAIN", XenIoctls.IOCTL_EVTCHN_BIND_INTERDOMAIN);
    ours.put("IOCTL_EVTCHN_BIND_UNBOUND_PORT", XenIoctls.IOCTL_EVTCHN_BIND_UNBOUND_PORT);
    ours.put("IOCTL_EVTCHN_UNBIND", XenIoctls.IOCTL_EVTCHN_UNBIND);
    ours.put("IOCTL_EVTCHN_NOTIFY", XenIoctls.IOCTL_EVTCHN_NOTIFY);
    ours.put("IOCTL_EVTCHN_RESET", XenIoctls.IOCTL_EVTCHN_RESET);
    ours.put("IOCTL_GNTALLOC_ALLOC_GREF", XenIoctls.IOCTL_GNTALLOC_ALLOC_GREF);
    ours.put("IOCTL_GNTALLOC_DEALLOC_GREF", XenIoctls.IOCTL_GNTALLOC_DEALLOC_GREF);
    ours.put("IOCTL_GNTALLOC_SET_UNMAP_NOTIFY", XenIoctls.IOCTL_GNTALLOC_SET_UNMAP_NOTIFY);
    ours.put("sizeof(struct ioctl_evtchn_bind_interdomain)", ia.byteSize());
    ours.put("offsetof(struct ioctl_evtchn_bind_interdomain, remote_port)", XenIoctls.offsetOf(ia, "remote_port"));
    ours.put("sizeof(struct ioctl_evtchn_bind_unbound_port)", XenIoctls.EVTCHN_BIND_UNBOUND_PORT_LAYOUT.byteSize());
    ours.put("sizeof(struct ioctl_evtchn_notify)", XenIoctls.EVTCHN_NOTIFY_LAYOUT.byteSize());
    ours.put("sizeof(struct ioctl_gntalloc_alloc_gref)", ag.byteSize());
    ours.put("offsetof(struct ioctl_gntalloc_alloc_gref, flags)", XenIoctls.offsetOf(ag, "flags"));
    ours.put("offsetof(struct ioctl_gntalloc_alloc_gref, count)", XenIoctls.offsetOf(ag, "count"));
    ours.put("offsetof(struct ioctl_gntalloc_alloc_gref, index)", XenIoctls.offsetOf(ag, "index"));
    ours.put("offsetof(struct ioctl_gntalloc_alloc_gref, gref_ids)", XenIoctls.offsetOf(ag, "gref_ids"));
    ours.put("sizeof(struct ioctl_gntalloc_dealloc_gref)", dg.byteSize());
    ours.put("offsetof(struct ioctl_gntalloc_dealloc_gref, count)", XenIoctls.offsetOf(dg, "count"));
    ours.put("sizeof(struct ioctl_gntalloc_unmap_notify)", un.byteSize());
    ours.put("offsetof(struct ioctl_gntalloc_unmap_notify, action)", XenIoctls.offsetOf(un, "action"));
    ours.put("offsetof(struct ioctl_gntalloc_unmap_notify, event_channel_port)", XenIoctls.offsetOf(un, "event_channel_port"));
    ours.put("GNTALLOC_FLAG_WRITABLE", (long) XenIoctls.GNTALLOC_FLAG_WRITABLE);
    ours.put("UNMAP_NOTIFY_CLEAR_BYTE", (long) XenIoctls.UNMAP_NOTIFY_CLEAR_BYTE);
    ours.put("UNMAP_NOTIFY_SEND_EVENT", (long) XenIoctls.UNMAP_NOTIFY_SEND_EVENT);
    assertEquals(ours, got);
  }

  private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }
}
