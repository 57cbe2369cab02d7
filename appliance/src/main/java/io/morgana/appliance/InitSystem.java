package io.morgana.appliance;

import io.morgana.runtime.nativeio.ErrnoException;

/**
 * The few things {@code /init} asks of Linux. {@link LinuxInitSystem} makes the system calls;
 * tests record the calls instead.
 */
public interface InitSystem {

  /** Mounts {@code mount}; a file system already mounted there ({@code EBUSY}) is not an error. */
  void mount(InitPlan.Mount mount) throws ErrnoException;

  /** The kernel command line ({@code /proc/cmdline}, once {@code /proc} is mounted). */
  String commandLine() throws ErrnoException;

  /** Loads the kernel module in {@code path}; one already loaded ({@code EEXIST}) is not an error. */
  void loadModule(String path) throws ErrnoException;

  /** Brings the interface up ({@code SIOCSIFFLAGS} with {@code IFF_UP}). */
  void linkUp(String name) throws ErrnoException;

  /**
   * Writes file systems out, then {@code value} to I/O port {@code port} ({@code /dev/port}:
   * {@code pwrite(2)} of one byte at offset {@code port}, which the kernel turns into {@code outb}).
   * Returns when nothing on that port ends the machine.
   */
  void writePort(int port, int value) throws ErrnoException;

  /** Writes file systems out and powers the machine off; does not return on Linux. */
  void powerOff();
}
