/**
 * The contracts run against the test kit's own devices and small in-memory implementations, and
 * against deliberately broken ones to show that each contract can fail.
 */
package io.morgana.testkit.contract;
