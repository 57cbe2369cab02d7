package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The echo TAP kernel with management enabled ({@code --mgmt-port=9100 --mgmt-token=…
 * --mgmt-open-metrics}): {@code curl} from Linux reads its metrics without the token — the UDP
 * echo just sent is counted — and runs a command with it.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoManagementInteropTest {

  static final String TOKEN = "echo-management-token-1";

  private InProcessKernel<EchoServer> kernel;

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  @Test
  void metricsOpenAndCommandsWithTheToken(NetworkNamespace ns) throws Exception {
    HostTools.require("curl", "socat");
    kernel = EchoTapInteropTest.bootEcho(ns, "--mgmt-port=9100", "--mgmt-token=" + TOKEN, "--mgmt-open-metrics");
    ns.execOk("ping", "-c", "1", "-W", "15", EchoTapInteropTest.MORGANA);
    ns.execOk("sh", "-c", "echo hello | socat -t 2 - UDP:" + EchoTapInteropTest.MORGANA + ":7");
    String base = "http://" + EchoTapInteropTest.MORGANA + ":9100";
    ExecResult metrics = ns.execOk("curl", "-s", "-f", base + "/metrics");
    assertTrue(metrics.stdout().contains("morgana_udp_rx_datagrams_total 1.0"), metrics.stdout());
    assertTrue(metrics.stdout().contains("morgana_netif_rx_bytes_total{netif=\"" + EchoTapInteropTest.TAP + "\"}"));
    ExecResult routes = ns.execOk("curl", "-s", "-f", "-H", "Authorization: Bearer " + TOKEN, "-d", "",
        base + "/cmd/routes");
    assertTrue(routes.stdout().contains("192.0.2.0/24"), routes.stdout());
    assertEquals("401", ns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-d", "",
        base + "/cmd/routes").stdout());
  }
}
