/**
 * Management without a shell: what an operator sees inside a kernel that has nothing to log in
 * to.
 *
 * <ul>
 *   <li><b>Metrics</b> ({@link KernelMetrics}): every device and layer counter, read on the kernel
 *       loop through {@link io.morgana.runtime.LoopBridge} ({@link MetricsSource}), with the JVM's
 *       memory, GC, threads and uptime, through the official Prometheus Java client, written as
 *       Prometheus text or OpenMetrics as the scraper's {@code Accept} asks.
 *   <li><b>Commands</b> ({@link Command}, {@link CommandRegistry}): built-ins ({@code help},
 *       {@code stats}, {@code mem}, {@code gc}, {@code log-level}, {@code uptime}; {@code conns},
 *       {@code arp}, {@code routes} from {@link io.morgana.mgmt.tcpip.TcpipManagementModule}) and
 *       an application's own, contributed through Dagger ({@code @IntoMap @StringKey}).
 *   <li><b>Access</b> ({@link ManagementRequests}): a transport-independent request → response
 *       function ({@code GET /metrics}, {@code POST /cmd/NAME}) with bearer-token authentication,
 *       which an HTTP server adapts; {@link ManagementConsole} runs commands typed on a {@link
 *       io.morgana.api.Console}.
 * </ul>
 *
 * <p>Wire it with {@link ManagementModule} (and {@link io.morgana.mgmt.tcpip.TcpipManagementModule}
 * for a kernel with the pure-Java stack); its boot keys are {@code --mgmt-port=}, {@code
 * --mgmt-listen=}, {@code --mgmt-token=}, {@code --mgmt-open-metrics} and {@code --mgmt-console}.
 */
package io.morgana.mgmt;
