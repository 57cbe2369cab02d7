package io.morgana.examples.appcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The application parent pins the third-party versions Morgana itself is built and tested with,
 * and names its own version for the BOM it imports (it cannot use ${project.version}: in an
 * application that is the application's).
 */
class AppParentVersionsTest {

  @Test
  void appParentPinsWhatTheReactorUses() throws Exception {
    Path root = Path.of(System.getProperty("morgana.root"));
    Element reactor = properties(root.resolve("pom.xml"));
    Element app = properties(root.resolve("app-parent/pom.xml"));
    for (String name : List.of("dagger.version", "netty.version", "slf4j.version", "junit.version", "jqwik.version")) {
      assertEquals(text(reactor, name), text(app, name), name);
    }
    assertEquals(System.getProperty("morgana.version"), text(app, "morgana.version"));
  }

  private static Element properties(Path pom) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    return (Element) doc.getDocumentElement().getElementsByTagName("properties").item(0);
  }

  private static String text(Element properties, String name) {
    return properties.getElementsByTagName(name).item(0).getTextContent().trim();
  }
}
