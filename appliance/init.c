/*
 * The appliance's /init: the one native program in the image, compiled with gcc -static.
 *
 * Why it exists: Linux starts /init with execve(2), which accepts an ELF or a "#!" script, and a
 * script needs an interpreter -- the image has no shell. The JVM launcher /jre/bin/java is an ELF
 * but needs its options and class path, which the kernel cannot pass; this program adds them and
 * execs it (so the JVM is PID 1, and Morgana's Init mounts, loads modules and powers off).
 * The kernel's own arguments to init (what it did not understand) are dropped: Init reads
 * /proc/cmdline itself. When the image holds the application's AOT cache (/app.aot, JEP 483/514,
 * trained by appliance/aot-train with these same options), the JVM is told to use it.
 *
 * Build: gcc -static -Os -s -DMAIN_CLASS='"..."' -o init init.c
 */
#include <stdio.h>
#include <unistd.h>

#define AOT_CACHE "/app.aot"

#ifndef MAIN_CLASS
#error "define MAIN_CLASS, e.g. -DMAIN_CLASS='\"io.morgana.examples.website.appliance.StaticWebsiteAppliance\"'"
#endif

int main(void) {
  /* The same options as appliance/aot-train's training run (a cache is used only with the same
     GC and heap layout): keep the two lists together. */
  char *argv[16];
  int n = 0;
  argv[n++] = "/jre/bin/java";
  argv[n++] = "-XX:+UseSerialGC";
  argv[n++] = "-XX:TieredStopAtLevel=1";
  argv[n++] = "-XX:-UsePerfData";
  argv[n++] = "--enable-native-access=ALL-UNNAMED";
  /* the runtime's CDS archive is used by default (-Xshare:auto, which the AOT options refuse
     beside them); the application's cache holds it and more. Without its machine code: JDK 25
     caches the interpreter-to-compiled adapters with the cache, compiled for the CPU it was trained
     on, and the build machine's (AVX-512) is not the VM's (QEMU's TCG CPU): SIGILL at boot. */
  if (access(AOT_CACHE, R_OK) == 0) {
    argv[n++] = "-XX:AOTCache=" AOT_CACHE;
    argv[n++] = "-XX:+UnlockDiagnosticVMOptions";
    argv[n++] = "-XX:-AOTAdapterCaching";
  }
  argv[n++] = "-cp";
  argv[n++] = "/app.jar";
  argv[n++] = MAIN_CLASS;
  argv[n] = NULL;
  /* /proc is not mounted yet (Init mounts it), so the dynamic loader cannot find java's own
     directory for its $ORIGIN run path: name the runtime's library directories. */
  char *envp[] = {"PATH=/jre/bin", "HOME=/", "LANG=C.UTF-8",
                  "LD_LIBRARY_PATH=/jre/lib:/jre/lib/server", NULL};
  execve(argv[0], argv, envp);
  perror("morgana init: execve /jre/bin/java");
  return 127;
}
