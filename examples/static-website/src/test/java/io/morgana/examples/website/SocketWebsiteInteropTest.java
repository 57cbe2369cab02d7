package io.morgana.examples.website;

import io.morgana.examples.website.socket.DaggerSocketKernel;
import io.morgana.http.HttpServer;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelFactory;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.interop.ExecResult;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The interop suite against the socket target ({@code SocketKernel}) on 127.0.0.1, booted in this
 * JVM as {@link Kernel} boots it; curl runs on the host, against loopback only. No root needed.
 */
class SocketWebsiteInteropTest extends WebsiteInteropSuite {

  private KernelLoop loop;
  private Lifecycle lifecycle;
  private StaticWebsite website;
  private int port;

  @BeforeAll
  void boot() throws Exception {
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    KernelFactory<?> factory = DaggerSocketKernel.factory()::create;
    BootArguments args = BootArguments.parse(Kernel.bootKeys(factory),
        "--disk=" + image(), "--disk-readonly", "--port=" + port, "--header-timeout=2", "--no-access-log");
    loop = new KernelLoop("website-socket");
    loop.start();
    lifecycle = new Lifecycle();
    website = (StaticWebsite) factory.create(args, loop, lifecycle).application();
    CompletableFuture<Void> started = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        website.start();
        started.complete(null);
      } catch (Exception e) {
        started.completeExceptionally(e);
      }
    });
    started.get(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (website.server() == null && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
  }

  @AfterAll
  void shutDown() {
    if (website != null && website.server() != null) {
      website.server().close();
    }
    if (loop != null) {
      loop.close();
    }
    if (lifecycle != null) {
      lifecycle.close();
    }
  }

  @Override
  protected String base() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  protected ExecResult curl(Duration timeout, String... args) {
    return HostProcess.run(timeout, "curl", args);
  }

  @Override
  protected Socket connect() throws Exception {
    return new Socket("127.0.0.1", port);
  }

  @Override
  protected HttpServer server() {
    return website.server();
  }
}
