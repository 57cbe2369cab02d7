/** Issue 12 (benchmarks/dhcp): the DHCP server's lease rate. */
package io.morgana.benchmarks.dhcp;
