package io.morgana.examples.website.socket;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar static-website-socket.jar --disk=site.img [--listen=127.0.0.1] [--port=8080]}:
 * serves the FAT image's files on a host socket, no root needed; prints the URL once serving.
 */
public final class StaticWebsiteSocket {

  private StaticWebsiteSocket() {}

  public static void main(String[] argv) {
    Kernel.boot("static-website-socket", argv, DaggerSocketKernel.factory()::create);
  }
}
