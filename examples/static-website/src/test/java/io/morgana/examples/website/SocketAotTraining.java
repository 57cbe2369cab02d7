package io.morgana.examples.website;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.block.FileBlock;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FormatOptions;
import io.morgana.testkit.aot.AotTraining;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Makes {@code target/static-website-socket.aot}, the JDK AOT cache of the socket jar (JEP
 * 483/514), in the integration-test phase right after the jar is packaged: the jar serves the
 * sample site on a free loopback port, is asked for pages, a missing file, a conditional and a
 * range request, and stops with SIGTERM. {@code scripts/demo} starts the jar with it when it is
 * newer than the jar. Fails when the kernel does not serve, does not stop, or no cache is written.
 */
class SocketAotTraining {

  private static final Path TARGET = Path.of("target");

  @Test
  void trainingRun_servesTheSampleSiteAndWritesTheCache() throws Exception {
    Path image = TARGET.resolve("aot-training-site.img");
    writeImage(Path.of("site"), image);
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    long size =
        AotTraining.of(TARGET.resolve("static-website-socket.jar"), TARGET.resolve("static-website-socket.aot"))
            .arguments("--port=" + port, "--disk=" + image, "--disk-readonly", "--logs=warn")
            .run(
                firstLine -> {
                  assertTrue(firstLine.startsWith("serving http://"), firstLine);
                  URI base = URI.create(firstLine.substring("serving ".length()));
                  for (int round = 0; round < 3; round++) {
                    for (String page : List.of("", "index.html", "docs/", "css/site.css", "robots.txt")) {
                      HttpResponse<byte[]> r = get(http, base.resolve(page), null);
                      assertEquals(200, r.statusCode(), page);
                      String tag = r.headers().firstValue("ETag").orElse(null);
                      if (tag != null) {
                        assertEquals(304, status(http, base.resolve(page), "If-None-Match", tag), page);
                      }
                    }
                    assertEquals(404, get(http, base.resolve("no-such-page.html"), null).statusCode());
                    assertEquals(206, status(http, base.resolve("index.html"), "Range", "bytes=0-9"));
                  }
                });
    assertTrue(size > 0);
  }

  private static HttpResponse<byte[]> get(HttpClient http, URI uri, String[] header) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (header != null) {
      b.header(header[0], header[1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static int status(HttpClient http, URI uri, String name, String value) throws Exception {
    return get(http, uri, new String[] {name, value}).statusCode();
  }

  private static void writeImage(Path site, Path image) throws Exception {
    Files.deleteIfExists(image);
    try (FileBlock disk = FileBlock.create(image, 8L << 20);
        Stream<Path> files = Files.walk(site)) {
      FatFileSystem.format(disk, FormatOptions.defaults());
      FatFileSystem fs = FatFileSystem.open(disk);
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String path = "/" + site.relativize(file).toString().replace('\\', '/');
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
          fs.mkdirs(path.substring(0, slash));
        }
        fs.write(path, Files.readAllBytes(file));
      }
      fs.close();
    }
  }
}
