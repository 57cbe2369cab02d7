/*
 * The appliance's /init: the one native program in the image, compiled with gcc -static.
 *
 * Why it exists: Linux starts /init with execve(2), which accepts an ELF or a "#!" script, and a
 * script needs an interpreter -- the image has no shell. The JVM launcher /jre/bin/java is an ELF
 * but needs its options and class path, which the kernel cannot pass; this program adds them and
 * execs it (so the JVM is PID 1, and Morgana's Init mounts, loads modules and powers off).
 * The kernel's own arguments to init (what it did not understand) are dropped: Init reads
 * /proc/cmdline itself.
 *
 * Build: gcc -static -Os -s -DMAIN_CLASS='"..."' -o init init.c
 */
#include <stdio.h>
#include <unistd.h>

#ifndef MAIN_CLASS
#error "define MAIN_CLASS, e.g. -DMAIN_CLASS='\"io.morgana.examples.website.appliance.StaticWebsiteAppliance\"'"
#endif

int main(void) {
  char *argv[] = {
    "/jre/bin/java",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Xshare:auto",
    "-XX:-UsePerfData",
    "--enable-native-access=ALL-UNNAMED",
    "-cp", "/app.jar",
    MAIN_CLASS,
    NULL,
  };
  /* /proc is not mounted yet (Init mounts it), so the dynamic loader cannot find java's own
     directory for its $ORIGIN run path: name the runtime's library directories. */
  char *envp[] = {"PATH=/jre/bin", "HOME=/", "LANG=C.UTF-8",
                  "LD_LIBRARY_PATH=/jre/lib:/jre/lib/server", NULL};
  execve(argv[0], argv, envp);
  perror("morgana init: execve /jre/bin/java");
  return 127;
}
