/** Tests of the fat command-line tool. */
package io.morgana.fs.fat.tool;
