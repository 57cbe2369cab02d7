package io.morgana.testkit.interop;

/**
 * What a finished command left behind.
 *
 * @param exitCode the process's exit status
 * @param stdout its standard output, decoded as UTF-8
 * @param stderr its standard error, decoded as UTF-8
 */
public record ExecResult(int exitCode, String stdout, String stderr) {

  /** Whether the command exited with status 0. */
  public boolean ok() {
    return exitCode == 0;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
  }
}
