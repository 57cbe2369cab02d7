package io.morgana.mgmt;

import io.morgana.api.Console;
import io.morgana.api.Tcp;
import io.morgana.http.HttpServer;
import io.morgana.http.HttpSettings;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kernel's management, as {@link ManagementModule} wires it: its {@link KernelMetrics}, {@link
 * CommandRegistry}, {@link ManagementRequests} and settings. The application calls {@link
 * #start()} once from its own {@code start()} (on the loop): that starts the management listener
 * when {@code --mgmt-port} is given — the HTTP module's server on the kernel's {@link Tcp} with
 * {@link ManagementHttpHandler}, keeping only connections to {@code --mgmt-listen} when given
 * ({@link ListenAddressFilter}) — and the console reader when {@code --mgmt-console} is.
 */
public final class Management {

  private static final Logger log = LoggerFactory.getLogger(Management.class);

  private final EventLoop loop;
  private final ManagementSettings settings;
  private final KernelMetrics metrics;
  private final CommandRegistry commands;
  private final ManagementRequests requests;
  private final Optional<Console> console;
  private final Optional<Tcp> tcp;
  private final Optional<Lifecycle> lifecycle;
  private final java.util.concurrent.CompletableFuture<HttpServer> listener = new java.util.concurrent.CompletableFuture<>();
  private boolean started;

  Management(EventLoop loop, ManagementSettings settings, KernelMetrics metrics, CommandRegistry commands,
      ManagementRequests requests, Optional<Console> console, Optional<Tcp> tcp, Optional<Lifecycle> lifecycle) {
    this.tcp = tcp;
    this.lifecycle = lifecycle;
    this.loop = loop;
    this.settings = settings;
    this.metrics = metrics;
    this.commands = commands;
    this.requests = requests;
    this.console = console;
  }

  public ManagementSettings settings() {
    return settings;
  }

  public KernelMetrics metrics() {
    return metrics;
  }

  public CommandRegistry commands() {
    return commands;
  }

  /** The transport-independent request handler ({@code GET /metrics}, {@code POST /cmd/NAME}). */
  public ManagementRequests requests() {
    return requests;
  }

  /**
   * The management listener once it listens (failed if it could not); never completes without
   * {@code --mgmt-port}.
   */
  public java.util.concurrent.CompletionStage<HttpServer> listener() {
    return listener;
  }

  /** The HTTP server's settings for management: small bodies, few connections, no access log. */
  static HttpSettings httpSettings(int port) {
    return HttpSettings.defaults(port)
        .withLimits(8192, 16_384, ManagementRequests.MAX_BODY_BYTES)
        .withMaxConnections(16)
        .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10))
        .withAccessLog(false);
  }

  /**
   * Starts what the settings enable: with {@code --mgmt-port}, the management listener; with
   * {@code --mgmt-console}, a reader of the console's lines on an application thread. Called
   * once, on the loop; never blocks.
   *
   * @throws IllegalStateException when {@code --mgmt-port} is given and the kernel has no {@link
   *     Tcp}, or {@code --mgmt-console} and it has no {@link Console}
   */
  public void start() {
    if (started) {
      return;
    }
    started = true;
    if (settings.port().isPresent()) {
      int port = settings.port().get();
      Tcp base = tcp.orElseThrow(() -> new IllegalStateException(
          "--mgmt-port needs TCP; add TcpModule (or the socket stack) to the kernel"));
      Tcp t = settings.listen().<Tcp>map(a -> new ListenAddressFilter(base, a)).orElse(base);
      loop.offload(() -> HttpServer.start(t, loop, httpSettings(port), new ManagementHttpHandler(requests)))
          .whenComplete((server, failure) -> {
            if (failure != null) {
              log.error("management listener on port {} failed: {}", port, failure.toString());
              listener.completeExceptionally(failure);
              return;
            }
            lifecycle.ifPresent(l -> l.onShutdown(server));
            log.info("management: GET /metrics and POST /cmd/NAME on port {}{}{}", port,
                settings.listen().map(a -> " (" + a + " only)").orElse(""),
                settings.token().isPresent() ? "" : "; no --mgmt-token: commands are refused");
            listener.complete(server);
          });
    }
    if (settings.console()) {
      Console c = console.orElseThrow(() -> new IllegalStateException(
          "--mgmt-console needs a console; add a console module (StdioConsoleModule, XenConsoleModule)"));
      ManagementConsole reader = new ManagementConsole(c, commands);
      loop.offload(() -> {
        reader.serve();
        return null;
      }).whenComplete((v, failure) -> {
        if (failure != null) {
          log.warn("management console stopped: {}", failure.toString());
        } else {
          log.info("management console: end of input");
        }
      });
      log.info("management console: type help for the commands");
    }
  }
}
