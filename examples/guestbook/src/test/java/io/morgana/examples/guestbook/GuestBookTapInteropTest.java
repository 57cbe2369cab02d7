package io.morgana.examples.guestbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GuestBookTap#main} as a process in a test network namespace, over a TAP device and a FAT
 * image made by {@code mkfs.fat}: Linux's {@code socat} signs the guestbook over UDP, the kernel
 * mounts the disk while it boots (off the loop), stores each entry from a loop callback through
 * {@code EventLoop.offload}, and mtools reads the entries back from the image afterwards.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class GuestBookTapInteropTest {

  private static final String TAP = "mgb0";

  @Test
  void entriesSentByLinuxAreStoredOnTheFatImageAndAcknowledged(NetworkNamespace ns, @TempDir Path dir)
      throws Exception {
    HostTools.require("mkfs.fat", "mtype", "socat");
    Path image = dir.resolve("guestbook.img");
    exec(List.of("mkfs.fat", "-C", image.toString(), "8192"));
    ns.execOk("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
    ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", TAP);
    ns.execOk("ip", "link", "set", TAP, "up");
    Path log = dir.resolve("kernel.log");
    Process kernel = ns.start(new ProcessBuilder(command("--net=tap:" + TAP, "--ipv4=192.0.2.2/24", "--disk=" + image))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile()));
    try {
      awaitLinkUp(ns);
      awaitLine(log, "guestbook: storing UDP datagrams"); // started: the UDP port is open
      ExecResult first = ns.execOk(Duration.ofSeconds(30), "sh", "-c",
          "printf 'hello from linux' | socat -t 10 - UDP:192.0.2.2:" + GuestBook.PORT);
      assertEquals("stored guestbook/0.txt", first.stdout().strip(), first + "\n" + Files.readString(log));
      ExecResult second = ns.execOk(Duration.ofSeconds(30), "sh", "-c",
          "printf 'second' | socat -t 10 - UDP:192.0.2.2:" + GuestBook.PORT);
      assertEquals("stored guestbook/1.txt", second.stdout().strip(), second.toString());
    } finally {
      kernel.destroy(); // SIGTERM: the kernel shuts down and closes the disk
      assertTrue(kernel.waitFor(30, TimeUnit.SECONDS), "the kernel did not stop on SIGTERM");
    }
    assertEquals(143, kernel.exitValue(), "exit status after SIGTERM\n" + Files.readString(log));
    assertEquals("hello from linux", exec(List.of("mtype", "-i", image.toString(), "::/guestbook/0.txt")));
    assertEquals("second", exec(List.of("mtype", "-i", image.toString(), "::/guestbook/1.txt")));
    String fsck = exec(List.of("fsck.fat", "-n", image.toString()));
    assertTrue(fsck.contains("guestbook.img"), fsck);
  }

  private static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(GuestBookTap.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static void awaitLinkUp(NetworkNamespace ns) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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

  private static void awaitLine(Path log, String text) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() - deadline < 0) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("the kernel never logged '" + text + "':\n" + Files.readString(log));
  }

  /** Runs a host tool (no network involved) and returns its standard output. */
  private static String exec(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().put("MTOOLS_SKIP_CHECK", "1");
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
    assertEquals(0, p.exitValue(), command + ": " + out);
    return out;
  }
}
