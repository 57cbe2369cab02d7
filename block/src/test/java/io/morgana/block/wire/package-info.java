/** Tests of the partition-table codecs: golden bytes, emit/parse round trips, robustness on random bytes. */
package io.morgana.block.wire;
