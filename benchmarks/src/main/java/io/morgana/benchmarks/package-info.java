/**
 * JMH benchmarks of hot loops, run by {@code benchmarks/run}, never by the tests.
 */
package io.morgana.benchmarks;
