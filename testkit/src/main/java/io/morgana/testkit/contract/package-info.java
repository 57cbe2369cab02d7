/**
 * Abstract contract tests for every implementation of Morgana's device interfaces: {@link
 * io.morgana.testkit.contract.NetifContract}, {@link io.morgana.testkit.contract.BlockContract},
 * {@link io.morgana.testkit.contract.ConsoleContract} and, for the stacks, {@link
 * io.morgana.testkit.contract.TcpContract} ({@code Tcp}/{@code Flow}) and {@link
 * io.morgana.testkit.contract.UdpContract}. An implementation's test suite
 * subclasses one and supplies the device ({@code TapNetifContractTest extends NetifContract});
 * the inherited {@code @Test} methods state what every implementation must do.
 *
 * <p>The contract classes end in {@code Contract}, which surefire excludes, so they run only
 * through their subclasses. Each test method opens its own fixture, so it can also be called
 * directly. {@link io.morgana.testkit.contract.LoopDriver} drives an event loop from a test:
 * virtual time on a {@link io.morgana.runtime.DeterministicLoop}, waiting on a condition with a
 * timeout on a loop that runs on its own thread; {@link io.morgana.testkit.contract.Concurrency}
 * runs the other end of a connection beside the test thread, on either kind.
 */
package io.morgana.testkit.contract;
