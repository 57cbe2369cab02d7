package io.morgana.appliance;

import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.ErrnoException;
import io.morgana.runtime.nativeio.Ifreq;
import io.morgana.runtime.nativeio.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@link InitSystem} through the runtime's C library binding: {@code mount}, {@code finit_module},
 * {@code ioctl}, {@code reboot}; I/O ports through {@code /dev/port} (devtmpfs makes it when the
 * kernel has {@code CONFIG_DEVPORT}, as Debian's does).
 */
final class LinuxInitSystem implements InitSystem {

  @Override
  public void mount(InitPlan.Mount m) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      Files.createDirectories(Path.of(m.target()));
      int r = Libc.mount(errno, arena.allocateFrom(m.source()), arena.allocateFrom(m.target()),
          arena.allocateFrom(m.type()), 0, MemorySegment.NULL);
      if (r < 0 && errno.value() != Libc.EBUSY) {
        throw errno.exception("mount(" + m.type() + ", " + m.target() + ")");
      }
    } catch (IOException e) {
      throw new ErrnoException("mkdir(" + m.target() + ")", Libc.EIO);
    }
  }

  @Override
  public String commandLine() throws ErrnoException {
    try {
      return Files.readString(Path.of("/proc/cmdline"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ErrnoException("read(/proc/cmdline)", Libc.EIO);
    }
  }

  @Override
  public void loadModule(String path) throws ErrnoException {
    int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      if (Libc.finitModule(errno, fd, arena.allocateFrom(""), 0) < 0 && errno.value() != Libc.EEXIST) {
        throw errno.exception("finit_module(" + path + ")");
      }
    } finally {
      Libc.closeQuietly(fd);
    }
  }

  @Override
  public void linkUp(String name) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      int sock = Libc.socket(errno, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
      if (sock < 0) {
        throw errno.exception("socket(AF_INET)");
      }
      try {
        Ifreq ifr = Ifreq.named(arena, name);
        if (Libc.ioctl(errno, sock, Ifreq.SIOCGIFFLAGS, ifr.segment()) < 0) {
          throw errno.exception("ioctl(" + name + ", SIOCGIFFLAGS)");
        }
        ifr.flags(ifr.flags() | Ifreq.IFF_UP);
        if (Libc.ioctl(errno, sock, Ifreq.SIOCSIFFLAGS, ifr.segment()) < 0) {
          throw errno.exception("ioctl(" + name + ", SIOCSIFFLAGS)");
        }
      } finally {
        Libc.closeQuietly(sock);
      }
    }
  }

  /** The character device whose byte at offset N is I/O port N ({@code drivers/char/mem.c}). */
  static final Path DEV_PORT = Path.of("/dev/port");

  @Override
  public void writePort(int port, int value) throws ErrnoException {
    Libc.sync();
    try (FileChannel ch = FileChannel.open(DEV_PORT, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) value}), port);
    } catch (IOException e) {
      throw new ErrnoException("write(" + DEV_PORT + " at 0x" + Integer.toHexString(port) + "): " + e.getMessage(), Libc.EIO);
    }
  }

  @Override
  public void powerOff() {
    Libc.sync();
    try (Arena arena = Arena.ofConfined()) {
      Libc.reboot(new Errno(arena), Libc.RB_POWER_OFF);
    }
  }
}
