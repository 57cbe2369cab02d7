/** Tests of the test kit's devices, with {@link io.morgana.testkit.FixtureRunner} to run fixture classes. */
package io.morgana.testkit;
