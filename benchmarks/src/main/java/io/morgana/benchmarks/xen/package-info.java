/**
 * JMH benchmarks of Xen PV plumbing ({@code xen-core}): shared ring round trips between a
 * frontend and a backend on two threads.
 */
package io.morgana.benchmarks.xen;
