/**
 * Abstract contract tests for every implementation of Morgana's device interfaces: {@link
 * io.morgana.testkit.contract.NetifContract}, {@link io.morgana.testkit.contract.BlockContract}
 * and {@link io.morgana.testkit.contract.ConsoleContract}. An implementation's test suite
 * subclasses one and supplies the device ({@code TapNetifContractTest extends NetifContract});
 * the inherited {@code @Test} methods state what every implementation must do.
 *
 * <p>The contract classes end in {@code Contract}, which surefire excludes, so they run only
 * through their subclasses. Each test method opens its own fixture, so it can also be called
 * directly. {@link io.morgana.testkit.contract.LoopDriver} drives an event loop from a test:
 * virtual time on a {@link io.morgana.runtime.DeterministicLoop}, waiting on a condition with a
 * timeout on a loop that runs on its own thread.
 */
package io.morgana.testkit.contract;
