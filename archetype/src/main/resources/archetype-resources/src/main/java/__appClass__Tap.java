package ${package};

import io.morgana.runtime.Kernel;

/** {@code java -jar target/${artifactId}-tap.jar --net=tap:NAME --ipv4=192.0.2.2/24 --disk=IMAGE} ({@code --help} lists every key). */
public final class ${appClass}Tap {

  private ${appClass}Tap() {}

  public static void main(String[] argv) {
    Kernel.boot("${artifactId}-tap", argv, DaggerTapKernel.factory()::create);
  }
}
