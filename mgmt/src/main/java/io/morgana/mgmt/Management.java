package io.morgana.mgmt;

import io.morgana.api.Console;
import io.morgana.runtime.EventLoop;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kernel's management, as {@link ManagementModule} wires it: its {@link KernelMetrics}, {@link
 * CommandRegistry}, {@link ManagementRequests} and settings. The application calls {@link
 * #start()} once from its own {@code start()} (on the loop): that starts the console reader when
 * {@code --mgmt-console} asks for it.
 */
public final class Management {

  private static final Logger log = LoggerFactory.getLogger(Management.class);

  private final EventLoop loop;
  private final ManagementSettings settings;
  private final KernelMetrics metrics;
  private final CommandRegistry commands;
  private final ManagementRequests requests;
  private final Optional<Console> console;
  private boolean started;

  Management(EventLoop loop, ManagementSettings settings, KernelMetrics metrics, CommandRegistry commands,
      ManagementRequests requests, Optional<Console> console) {
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
   * Starts what the settings enable: with {@code --mgmt-console}, a reader of the console's lines
   * on an application thread. Called once, on the loop; never blocks.
   *
   * @throws IllegalStateException when {@code --mgmt-console} is given and the kernel has no
   *     {@link Console}
   */
  public void start() {
    if (started) {
      return;
    }
    started = true;
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
