/** An application-side Dagger component wiring FatFsModule from outside its package. */
package io.morgana.fs.fat.app;
