package io.morgana.console.xen;

import io.morgana.api.Console;
import io.morgana.testkit.contract.ConsoleContract;

/**
 * The Xen console against the {@link ConsoleContract}: a guest's {@link XenConsole} and a {@link
 * XenConsoleBackend} in dom0 of the simulated hypervisor, on a real kernel loop. A Xen console
 * has no end of input, so the fixture ends input the only way there is: once the backend has
 * pushed every input byte into the ring, it closes the console, whose reads then return what is
 * left in the ring and then {@code null}.
 */
class XenConsoleContractTest extends ConsoleContract {

  @Override
  protected Fixture open() {
    SimConsoleFixture sim = new SimConsoleFixture();
    return new Fixture() {
      @Override
      public Console console() {
        return sim.console;
      }

      @Override
      public void input(byte[] bytes) {
        sim.backend.input(bytes);
      }

      @Override
      public void endInput() throws java.io.IOException {
        if (!sim.driver.runUntil(() -> sim.backend.pendingInput() == 0, SimConsoleFixture.TIMEOUT)) {
          throw new AssertionError("the backend could not push all input into the ring");
        }
        sim.console.close();
      }

      @Override
      public byte[] output() {
        return sim.drainedOutput();
      }

      @Override
      public void close() throws java.io.IOException {
        sim.close();
      }
    };
  }
}
