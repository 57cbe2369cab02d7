/** Issue 15: the cost of a Prometheus scrape of a kernel ({@link io.morgana.benchmarks.mgmt.ScrapeBenchmark}). */
package io.morgana.benchmarks.mgmt;
