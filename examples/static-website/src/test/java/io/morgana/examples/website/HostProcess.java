package io.morgana.examples.website;

import io.morgana.testkit.interop.ExecResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command on the host (for loopback clients), collecting its output. */
final class HostProcess {

  private HostProcess() {}

  static ExecResult run(Duration timeout, String command, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(command);
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(cmd + " did not finish within " + timeout);
      }
      return new ExecResult(p.exitValue(), out.get(), err.get());
    } catch (Exception e) {
      throw new AssertionError("running " + cmd, e);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
