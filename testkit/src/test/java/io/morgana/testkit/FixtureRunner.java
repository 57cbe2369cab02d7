package io.morgana.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs fixture test classes (not picked up by surefire) through the JUnit launcher and reports
 * what happened to each test, so that tests can check that a contract or an extension fails,
 * skips or cleans up as documented.
 */
public final class FixtureRunner {

  /** What happened to one test. */
  public record Outcome(String displayName, TestExecutionResult.Status status, Throwable throwable, String skipReason) {
    @Override
    public String toString() {
      return displayName + ": " + status + (throwable != null ? " (" + throwable + ")" : "")
          + (skipReason != null ? " (skipped: " + skipReason + ")" : "");
    }
  }

  private FixtureRunner() {}

  /** Runs every test of {@code fixture} and returns the outcome of each test method. */
  public static List<Outcome> run(Class<?> fixture) {
    List<Outcome> outcomes = new ArrayList<>();
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(fixture))
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
        .build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
          outcomes.add(new Outcome(id.getDisplayName(), result.getStatus(), result.getThrowable().orElse(null), null));
        }
      }

      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        outcomes.add(new Outcome(id.getDisplayName(), null, null, reason));
      }
    });
    return outcomes;
  }

  /** The outcome of the test whose display name starts with {@code name}. */
  public static Outcome find(List<Outcome> outcomes, String name) {
    return outcomes.stream().filter(o -> o.displayName().startsWith(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no outcome for " + name + " in " + outcomes));
  }
}
