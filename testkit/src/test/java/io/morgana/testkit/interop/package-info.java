/** Tests of the interop helpers; the namespace tests need root and iproute2 (skipped otherwise). */
package io.morgana.testkit.interop;
