package ${package};

import io.morgana.runtime.Kernel;

/** {@code java -jar target/${artifactId}-xen.jar --ipv4=192.0.2.2/24} in a Xen guest ({@code --help} lists every key). */
public final class ${appClass}Xen {

  private ${appClass}Xen() {}

  public static void main(String[] argv) {
    Kernel.boot("${artifactId}-xen", argv, DaggerXenKernel.factory()::create);
  }
}
