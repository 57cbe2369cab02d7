package io.morgana.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.nativeio.ErrnoException;
import io.morgana.runtime.nativeio.Libc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** {@link Init}'s steps, in order, over a recording {@link InitSystem}; every way out powers off. */
class InitTest {

  /** Records the calls; fails the one named in {@code failing}. */
  static final class RecordingSystem implements InitSystem {
    final List<String> calls = new ArrayList<>();
    final String cmdline;
    final String failing;

    RecordingSystem(String cmdline, String failing) {
      this.cmdline = cmdline;
      this.failing = failing;
    }

    private void call(String what) throws ErrnoException {
      calls.add(what);
      if (what.equals(failing)) {
        throw new ErrnoException(what, Libc.ENOENT);
      }
    }

    @Override
    public void mount(InitPlan.Mount mount) throws ErrnoException {
      call("mount " + mount.target());
    }

    @Override
    public String commandLine() throws ErrnoException {
      call("cmdline");
      return cmdline;
    }

    @Override
    public void loadModule(String path) throws ErrnoException {
      call("load " + path);
    }

    @Override
    public void linkUp(String name) throws ErrnoException {
      call("up " + name);
    }

    @Override
    public void writePort(int port, int value) throws ErrnoException {
      call("outb 0x" + Integer.toHexString(port) + " " + value);
    }

    @Override
    public void powerOff() {
      calls.add("poweroff");
    }
  }

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
  private final List<List<String>> booted = new ArrayList<>();

  private ToIntFunction<String[]> kernel(int status) {
    return args -> {
      booted.add(List.of(args));
      return status;
    };
  }

  @Test
  void mountsThenModulesThenInterfaceThenTheKernel_thenPowerOff_withItsStatus() {
    RecordingSystem sys = new RecordingSystem("console=ttyS0 morgana.ipv4=192.0.2.2/24 morgana.port=80\n", null);
    assertEquals(3, Init.run("echo", sys, kernel(3), out));
    assertEquals(List.of(
        "mount /proc", "mount /sys", "mount /dev", "cmdline",
        "load /lib/modules/virtio_ring.ko", "load /lib/modules/virtio.ko",
        "load /lib/modules/virtio_pci_legacy_dev.ko", "load /lib/modules/virtio_pci_modern_dev.ko",
        "load /lib/modules/virtio_pci.ko",
        "load /lib/modules/failover.ko", "load /lib/modules/net_failover.ko",
        "load /lib/modules/virtio_net.ko", "load /lib/modules/virtio_blk.ko",
        "up eth0", "poweroff"), sys.calls);
    assertEquals(List.of(List.of("--ipv4=192.0.2.2/24", "--port=80", "--net=packet:eth0")), booted);
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("echo ended with status 3; powering off"), console.toString());
  }

  @Test
  void xenTarget_mountsThenTheXenDeviceModules_noInterface_thenTheKernel_thenPowerOff() {
    RecordingSystem sys = new RecordingSystem("console=hvc0 panic=-1 morgana.target=xen\n", null);
    assertEquals(0, Init.run("static-website", sys, kernel(0), out));
    assertEquals(List.of(
        "mount /proc", "mount /sys", "mount /dev", "cmdline",
        "load /lib/modules/xen-evtchn.ko", "load /lib/modules/xen-gntalloc.ko",
        "poweroff"), sys.calls);
    assertEquals(List.of(List.of("--dhcp")), booted);
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("static-website ended with status 0; powering off"),
        console.toString());
  }

  @Test
  void anUnknownTarget_oneMessage_noModules_noKernel_powerOffWithStatusOne() {
    RecordingSystem sys = new RecordingSystem("morgana.target=bhyve", null);
    assertEquals(1, Init.run("echo", sys, kernel(0), out));
    assertEquals(List.of(), booted);
    assertEquals(List.of("mount /proc", "mount /sys", "mount /dev", "cmdline", "poweroff"), sys.calls);
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("morgana.target=bhyve is not a target"), console.toString());
  }

  @Test
  void aModuleThatCannotLoad_oneMessage_noKernel_powerOffWithStatusOne() {
    RecordingSystem sys = new RecordingSystem("", "load /lib/modules/virtio_net.ko");
    assertEquals(1, Init.run("echo", sys, kernel(0), out));
    assertEquals(List.of(), booted, "the application does not start");
    assertEquals("poweroff", sys.calls.get(sys.calls.size() - 1));
    String text = console.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("morgana init: load /lib/modules/virtio_net.ko failed"), text);
    assertTrue(text.contains("ENOENT"), text);
  }

  @Test
  void aMalformedCommandLine_oneMessage_powerOffWithStatusOne() {
    RecordingSystem sys = new RecordingSystem("morgana.=x", null);
    assertEquals(1, Init.run("echo", sys, kernel(0), out));
    assertEquals(List.of(), booted);
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("has no key after morgana."), console.toString());
    assertEquals("poweroff", sys.calls.get(sys.calls.size() - 1));
  }

  @Test
  void aKernelThatThrows_isStatusOne_andStillPowersOff() {
    RecordingSystem sys = new RecordingSystem("", null);
    assertEquals(1, Init.run("echo", sys, args -> {
      throw new IllegalStateException("no stack for you");
    }, out));
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("no stack for you"), console.toString());
    assertEquals("poweroff", sys.calls.get(sys.calls.size() - 1));
  }

  private static final String EXIT = " morgana.exit=isa-debug-exit:0xf4";

  @Test
  void aFailingKernel_withTheExitDeviceNamed_writesItsStatusToThePort_thenPowersOff() {
    RecordingSystem sys = new RecordingSystem("console=ttyS0 morgana.ipv4=192.0.2.2/24" + EXIT, null);
    assertEquals(2, Init.run("echo", sys, kernel(2), out));
    assertEquals(List.of("up eth0", "outb 0xf4 2", "poweroff"), sys.calls.subList(sys.calls.size() - 3, sys.calls.size()));
    assertEquals(List.of(List.of("--ipv4=192.0.2.2/24", "--net=packet:eth0")), booted, "morgana.exit is init's, not the application's");
    String text = console.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("echo ended with status 2; reporting 2 through isa-debug-exit at 0xf4"), text);
  }

  @Test
  void aCleanEnd_withTheExitDeviceNamed_onlyPowersOff() {
    RecordingSystem sys = new RecordingSystem("morgana.ipv4=192.0.2.2/24" + EXIT, null);
    assertEquals(0, Init.run("echo", sys, kernel(0), out));
    assertTrue(sys.calls.stream().noneMatch(c -> c.startsWith("outb")), sys.calls.toString());
    assertEquals("poweroff", sys.calls.get(sys.calls.size() - 1));
  }

  @Test
  void aFailingKernel_withoutTheExitDevice_onlyPowersOff() {
    RecordingSystem sys = new RecordingSystem("morgana.ipv4=192.0.2.2/24", null);
    assertEquals(1, Init.run("echo", sys, kernel(1), out));
    assertTrue(sys.calls.stream().noneMatch(c -> c.startsWith("outb")), sys.calls.toString());
    assertEquals("poweroff", sys.calls.get(sys.calls.size() - 1));
  }

  @Test
  void aStatusQemuCannotCarry_isReportedAs127() {
    RecordingSystem sys = new RecordingSystem("morgana.ipv4=192.0.2.2/24" + EXIT, null);
    assertEquals(143, Init.run("echo", sys, kernel(143), out));
    assertTrue(sys.calls.contains("outb 0xf4 127"), sys.calls.toString());
  }

  @Test
  void aModuleThatCannotLoad_isReportedWithStatusOne() {
    RecordingSystem sys = new RecordingSystem(EXIT, "load /lib/modules/virtio_net.ko");
    assertEquals(1, Init.run("echo", sys, kernel(0), out));
    assertEquals(List.of(), booted);
    assertEquals(List.of("load /lib/modules/virtio_net.ko", "outb 0xf4 1", "poweroff"),
        sys.calls.subList(sys.calls.size() - 3, sys.calls.size()));
  }

  @Test
  void aMalformedCommandLine_isStillReported_whenItNamesTheExitDevice() {
    RecordingSystem sys = new RecordingSystem("morgana.=x" + EXIT, null);
    assertEquals(1, Init.run("echo", sys, kernel(0), out));
    assertEquals(List.of(), booted);
    assertEquals(List.of("outb 0xf4 1", "poweroff"), sys.calls.subList(sys.calls.size() - 2, sys.calls.size()));
  }

  @Test
  void aMalformedExitDevice_failsTheBootWithOneMessage_andPowersOff() {
    RecordingSystem sys = new RecordingSystem("morgana.exit=isa-debug-exit:0xf4z", null);
    assertEquals(1, Init.run("echo", sys, kernel(0), out));
    assertEquals(List.of(), booted);
    assertEquals("poweroff", sys.calls.get(sys.calls.size() - 1));
    assertTrue(sys.calls.stream().noneMatch(c -> c.startsWith("outb")), sys.calls.toString());
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("morgana.exit=isa-debug-exit:0xf4z: the port is not a number"),
        console.toString());
  }

  @Test
  void aPortWriteThatFails_isPrinted_andTheVmStillPowersOff() {
    RecordingSystem sys = new RecordingSystem("morgana.ipv4=192.0.2.2/24" + EXIT, "outb 0xf4 3");
    assertEquals(3, Init.run("echo", sys, kernel(3), out));
    assertEquals("poweroff", sys.calls.get(sys.calls.size() - 1));
    String text = console.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("morgana init: outb 0xf4 3 failed"), text);
    assertTrue(text.contains("echo ended with status 3; powering off"), text);
  }
}
