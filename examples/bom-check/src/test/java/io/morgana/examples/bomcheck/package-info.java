/**
 * Checks that an application outside the reactor builds against the installed BOM.
 */
package io.morgana.examples.bomcheck;
