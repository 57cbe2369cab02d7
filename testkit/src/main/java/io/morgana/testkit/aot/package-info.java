/**
 * Making a JDK AOT cache for a kernel's runnable jar at build time (JEP 483 and JEP 514, JDK 25):
 * {@link io.morgana.testkit.aot.AotTraining} runs the jar once with {@code
 * -XX:AOTCacheOutput=FILE}, lets a workload exercise it, stops it with SIGTERM (the kernel's
 * orderly shutdown, after which the JVM writes the cache), and checks that the cache was written.
 * A later {@code java -XX:AOTCache=FILE -jar JAR} starts with the classes the training run loaded
 * already parsed, verified and linked, and with their profiles.
 *
 * <p>An application's build runs it from a class named {@code *AotTraining} in the {@code
 * integration-test} phase, after the jar is packaged (morgana-app-parent's {@code aot-cache}
 * execution, turned on with {@code <morgana.aot.skip>false</morgana.aot.skip>}).
 */
package io.morgana.testkit.aot;
