/**
 * {@link io.morgana.api.Console} over the process's standard input and output, for kernels that
 * run as a Unix process: {@link io.morgana.console.stdio.StdioConsoleModule} binds it.
 */
package io.morgana.console.stdio;
