package io.morgana.examples.website;

import io.morgana.examples.website.tap.DaggerTapKernel;
import io.morgana.http.HttpServer;
import io.morgana.runtime.KernelFactory;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The interop suite against the TAP target ({@code TapKernel}: Morgana's own TCP/IP stack) in a
 * test network namespace: Linux 192.0.2.1 on the TAP device, Morgana 192.0.2.2 serving on port
 * 80; curl runs inside the namespace.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class TapWebsiteInteropTest extends WebsiteInteropSuite {

  static final String TAP = "mgw0";
  static final String MORGANA = "192.0.2.2";
  static final String LINUX = "192.0.2.1";

  private NetworkNamespace ns;
  private InProcessKernel<StaticWebsite> kernel;

  /** The target's component. */
  protected KernelFactory<?> factory() {
    return DaggerTapKernel.factory()::create;
  }

  @BeforeAll
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    ns.execOk("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6;"
        + " echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    ns.execOk("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
    ns.execOk("ip", "addr", "add", LINUX + "/24", "dev", TAP);
    ns.execOk("ip", "link", "set", TAP, "up");
    kernel = InProcessKernel.boot(ns, factory(),
        "--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--disk=" + image(), "--disk-readonly",
        "--header-timeout=2", "--no-access-log");
    awaitLinkUp();
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (kernel.application().server() == null && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
  }

  private void awaitLinkUp() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String show = "";
    while (System.nanoTime() - deadline < 0) {
      show = ns.execOk("ip", "link", "show", "dev", TAP).stdout();
      if (show.contains("LOWER_UP") && !show.contains("qdisc noop")) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("link " + TAP + " did not come up: " + show);
  }

  @AfterAll
  void shutDown() {
    if (kernel != null) {
      if (kernel.application().server() != null) {
        kernel.application().server().close();
      }
      kernel.close();
    }
  }

  @Override
  protected String base() {
    return "http://" + MORGANA;
  }

  @Override
  protected ExecResult curl(Duration timeout, String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "curl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return ns.exec(timeout, cmd);
  }

  @Override
  protected Socket connect() throws Exception {
    return ns.callInside(() -> new Socket(MORGANA, 80));
  }

  @Override
  protected HttpServer server() {
    return kernel.application().server();
  }
}
