/**
 * {@link io.morgana.api.Block} over the Xen blkif protocol ({@code xen/io/blkif.h}), and a Java blkback for tests.
 */
package io.morgana.xen.blkfront;
