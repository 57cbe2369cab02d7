package io.morgana.xen.store.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every number of the codec against Xen's own {@code io/xs_wire.h} (Debian libxen-dev), compiled
 * with gcc: message types, {@code xsd_errors[]} in order, limits, and the layout of {@code struct
 * xsd_sockmsg} and {@code struct xenstore_domain_interface}.
 */
class XsWireHeaderTest {

  @Test
  void codecMatchesXsWireH(@TempDir Path dir) throws Exception {
    HostTools.require("gcc");
    if (!Files.exists(Path.of("/usr/include/xen/io/xs_wire.h"))) {
      HostTools.unavailable("/usr/include/xen/io/xs_wire.h missing: apt-get install libxen-dev");
      return;
    }
    StringBuilder c = new StringBuilder("""
        #include <errno.h>
        #include <stdio.h>
        #include <stddef.h>
        #include <stdint.h>
        #include <xen/io/xs_wire.h>
        #define N(x) printf(#x " %ld\\n", (long)(x))
        int main(void) {
          N(sizeof(struct xsd_sockmsg)); N(offsetof(struct xsd_sockmsg, req_id));
          N(offsetof(struct xsd_sockmsg, tx_id)); N(offsetof(struct xsd_sockmsg, len));
          N(sizeof(struct xenstore_domain_interface));
          N(offsetof(struct xenstore_domain_interface, rsp));
          N(offsetof(struct xenstore_domain_interface, req_cons));
          N(offsetof(struct xenstore_domain_interface, req_prod));
          N(offsetof(struct xenstore_domain_interface, rsp_cons));
          N(offsetof(struct xenstore_domain_interface, rsp_prod));
          N(offsetof(struct xenstore_domain_interface, server_features));
          N(offsetof(struct xenstore_domain_interface, connection));
          N(offsetof(struct xenstore_domain_interface, error));
          N(XENSTORE_RING_SIZE); N(XENSTORE_PAYLOAD_MAX); N(XENSTORE_ABS_PATH_MAX); N(XENSTORE_REL_PATH_MAX);
          N(XS_TYPE_COUNT); N(XS_INVALID);
          for (unsigned i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
            printf("xsd_errors[%u] %s=%d\\n", i, xsd_errors[i].errstring, xsd_errors[i].errnum);
        """);
    for (XsMessageType t : XsMessageType.values()) {
      c.append("  N(XS_").append(t.name()).append(");\n");
    }
    c.append("  return 0;\n}\n");
    Path src = dir.resolve("xs.c");
    Files.writeString(src, c);
    run(dir, "gcc", "-Wall", "-o", dir.resolve("xs").toString(), src.toString());
    Map<String, String> got = new LinkedHashMap<>();
    for (String line : run(dir, dir.resolve("xs").toString()).split("\n")) {
      String l = line.trim();
      int sp = l.lastIndexOf(' ');
      got.put(l.substring(0, sp), l.substring(sp + 1));
    }
    Map<String, String> ours = new LinkedHashMap<>();
    ours.put("sizeof(struct xsd_sockmsg)", "" + XsHeader.SIZE);
    ours.put("offsetof(struct xsd_sockmsg, req_id)", "" + XsPacket.REQ_ID_OFFSET);
    ours.put("offsetof(struct xsd_sockmsg, tx_id)", "" + XsPacket.TX_ID_OFFSET);
    ours.put("offsetof(struct xsd_sockmsg, len)", "" + XsPacket.LEN_OFFSET);
    ours.put("sizeof(struct xenstore_domain_interface)", "" + XenStoreRingPage.SIZE);
    ours.put("offsetof(struct xenstore_domain_interface, rsp)", "" + XenStoreRingPage.RSP_OFFSET);
    ours.put("offsetof(struct xenstore_domain_interface, req_cons)", "" + XenStoreRingPage.REQ_CONS_OFFSET);
    ours.put("offsetof(struct xenstore_domain_interface, req_prod)", "" + XenStoreRingPage.REQ_PROD_OFFSET);
    ours.put("offsetof(struct xenstore_domain_interface, rsp_cons)", "" + XenStoreRingPage.RSP_CONS_OFFSET);
    ours.put("offsetof(struct xenstore_domain_interface, rsp_prod)", "" + XenStoreRingPage.RSP_PROD_OFFSET);
    ours.put("offsetof(struct xenstore_domain_interface, server_features)", "" + XenStoreRingPage.SERVER_FEATURES_OFFSET);
    ours.put("offsetof(struct xenstore_domain_interface, connection)", "" + XenStoreRingPage.CONNECTION_OFFSET);
    ours.put("offsetof(struct xenstore_domain_interface, error)", "" + XenStoreRingPage.ERROR_OFFSET);
    ours.put("XENSTORE_RING_SIZE", "" + XenStoreRingPage.RING_SIZE);
    ours.put("XENSTORE_PAYLOAD_MAX", "" + XsHeader.PAYLOAD_MAX);
    ours.put("XENSTORE_ABS_PATH_MAX", "" + XsHeader.ABS_PATH_MAX);
    ours.put("XENSTORE_REL_PATH_MAX", "" + XsHeader.REL_PATH_MAX);
    ours.put("XS_TYPE_COUNT", "" + XsMessageType.TYPE_COUNT);
    ours.put("XS_INVALID", "" + XsMessageType.INVALID);
    XsError[] errors = XsError.values();
    for (int i = 0; i < errors.length; i++) {
      ours.put("xsd_errors[" + i + "]", errors[i].name() + "=" + errors[i].errno());
    }
    for (XsMessageType t : XsMessageType.values()) {
      ours.put("XS_" + t.name(), "" + t.code());
    }
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
