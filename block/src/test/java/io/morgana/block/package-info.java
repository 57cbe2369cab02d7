/** Tests of the block devices, views, combinators and partition tables. */
package io.morgana.block;
