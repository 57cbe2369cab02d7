package ${package};

import io.morgana.runtime.Kernel;

/** {@code java -jar target/${artifactId}-socket.jar --disk=IMAGE [--listen=127.0.0.1]} ({@code --help} lists every key). */
public final class ${appClass}Socket {

  private ${appClass}Socket() {}

  public static void main(String[] argv) {
    Kernel.boot("${artifactId}-socket", argv, DaggerSocketKernel.factory()::create);
  }
}
