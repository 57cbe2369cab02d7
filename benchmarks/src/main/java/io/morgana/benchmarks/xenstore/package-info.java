/** JMH benchmarks of XenStore on the simulated platform (Xen {@code io/xs_wire.h}). */
package io.morgana.benchmarks.xenstore;
