package io.morgana.examples.appcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's application code cannot drift from the code: every fenced block that follows a
 * {@code <!-- snippet: PATH -->} line must be a run of consecutive lines of PATH — a source that
 * {@link GeneratedApplicationBuildTest} compiles and tests, either the notes kernel's hand-written
 * files or an archetype template rendered as the README's {@code mvn archetype:generate} command
 * renders it. Lines marking snippet regions ({@code // snippet: ...}) are not part of a source.
 * The README's line counts for the notes kernel ("after") are checked the same way.
 */
class ReadmeSnippetsTest {

  private static final String TEMPLATES = "archetype/src/main/resources/archetype-resources/";
  private static final String NOTES = "examples/app-check/src/test/notes/";

  private final Path root = Path.of(System.getProperty("morgana.root"));

  /** The archetype properties of the README's generate command. */
  private Map<String, String> properties() {
    return Map.of(
        "${appClass}", "Notes", "${package}", "com.example.notes", "${artifactId}", "notes",
        "${groupId}", "com.example", "${version}", "1.0-SNAPSHOT",
        "${morganaVersion}", System.getProperty("morgana.version"));
  }

  private List<String> source(String path) throws IOException {
    String text = Files.readString(root.resolve(path));
    if (path.startsWith(TEMPLATES)) {
      for (Map.Entry<String, String> p : properties().entrySet()) {
        text = text.replace(p.getKey(), p.getValue());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.strip().startsWith("// snippet:")) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void everyMarkedSnippetIsCompiledSource() throws IOException {
    List<String> readme = Files.readAllLines(root.resolve("README.md"));
    int checked = 0;
    for (int i = 0; i < readme.size(); i++) {
      String line = readme.get(i).strip();
      if (!line.startsWith("<!-- snippet: ")) {
        continue;
      }
      String path = line.substring("<!-- snippet: ".length(), line.length() - "-->".length()).strip();
      int fence = i + 1;
      assertTrue(readme.get(fence).startsWith("```"), "README line " + (fence + 1) + ": a code block must follow " + line);
      List<String> block = new ArrayList<>();
      int j = fence + 1;
      while (!readme.get(j).startsWith("```")) {
        block.add(readme.get(j));
        j++;
      }
      List<String> source = source(path);
      if (Collections.indexOfSubList(source, block) < 0) {
        fail("README lines " + (fence + 2) + "-" + j + " are not lines of " + path + " (edit the source, then"
            + " copy it into the README):\n" + String.join("\n", block));
      }
      checked++;
      i = j;
    }
    assertTrue(checked >= 7, "expected the application section's snippets, found " + checked);
  }

  @Test
  void theNotesLineCountsAreTheFilesLineCounts() throws IOException {
    int app = lines(NOTES + "src/main/java/com/example/notes/Notes.java");
    int wiring = lines(TEMPLATES + "src/main/java/__appClass__Module.java")
        + lines(TEMPLATES + "src/main/java/TapKernel.java")
        + lines(TEMPLATES + "src/main/java/__appClass__Tap.java");
    int pom = lines(TEMPLATES + "pom.xml");
    int handTest = lines(NOTES + "src/test/java/com/example/notes/NotesTest.java");
    int test = handTest + lines(TEMPLATES + "src/test/java/SwitchKernel.java");
    String expected = "| after | " + app + " | " + wiring + " | " + pom + " | " + test + " | "
        + (app + wiring + pom + test) + " | " + (app + handTest) + " |";
    String row = Files.readAllLines(root.resolve("README.md")).stream()
        .filter(l -> l.startsWith("| after |"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '| after |' row in the README"));
    assertEquals(expected, row);
  }

  private int lines(String path) throws IOException {
    return (int) Files.readString(root.resolve(path)).chars().filter(c -> c == '\n').count();
  }
}
