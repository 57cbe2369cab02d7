package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import io.morgana.api.Console;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.SwitchNetifModule;
import io.morgana.testkit.TestKernel;
import jakarta.inject.Singleton;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --mgmt-console} on a kernel: {@link Management#start()} reads the console's lines off the
 * loop and answers each, reading the loop's counters for {@code stats} and {@code routes}; without
 * the flag the console is left alone.
 */
class ManagementConsoleKernelTest {

  static final ManagementConsoleTest.ScriptedConsole CONSOLE =
      new ManagementConsoleTest.ScriptedConsole("routes\nstats morgana_tcp_listeners\nnope\n".getBytes());

  @Module
  static final class ConsoleModule {
    @Provides
    static Console console() {
      return CONSOLE;
    }
  }

  @Singleton
  @Component(modules = {MgmtTestModule.class, SwitchNetifModule.class, TcpipStackModule.class, TcpModule.class,
      StaticIpv4Module.class, ManagementModule.class, TcpipManagementModule.class, ConsoleModule.class})
  interface ConsoleKernel extends KernelComponent {
    @Component.Factory
    interface Factory {
      ConsoleKernel create(@BindsInstance BootArguments a, @BindsInstance EventLoop loop, @BindsInstance Lifecycle l);
    }
  }

  @Test
  void eachConsoleLineRunsACommand() {
    try (TestKernel<ConsoleKernel> kernel = TestKernel.boot(DaggerManagementConsoleKernelTest_ConsoleKernel.factory()
        ::create, "--ipv4=192.0.2.2/24", "--mgmt-console")) {
      kernel.runUntilIdle();
      List<String> out = CONSOLE.output;
      assertEquals(3, out.size(), out.toString());
      assertTrue(out.get(0).contains("192.0.2.0/24"), out.get(0));
      assertEquals("morgana_tcp_listeners 1\n", out.get(1));
      assertTrue(out.get(2).startsWith("error: unknown command 'nope'"), out.get(2));
    }
  }
}
