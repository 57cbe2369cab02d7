package io.morgana.fs.fat.tool;

import io.morgana.api.Block;
import io.morgana.block.DiskSync;
import io.morgana.block.FileBlock;
import io.morgana.fs.fat.FatChecker;
import io.morgana.fs.fat.FatEntry;
import io.morgana.fs.fat.FatFile;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FatType;
import io.morgana.fs.fat.FormatOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code fat COMMAND IMG ...}: exit 0 on success, 1 when the operation failed (with a message on
 * standard error), 2 on a usage error.
 */
public final class FatTool {

  static final String USAGE = """
      usage: fat COMMAND IMG [ARGS]
        fat mkfs IMG SIZE [--fat=12|16|32] [--label=L] [--cluster=BYTES]   SIZE in bytes or with K, M, G
        fat ls IMG [PATH]
        fat put IMG LOCAL... DEST        copy files and directories (recursively) into the image
        fat get IMG PATH LOCAL           copy a file or directory (recursively) out
        fat cat IMG PATH
        fat rm [-r] IMG PATH
        fat mkdir [-p] IMG PATH
        fat mv IMG FROM TO
        fat df IMG
        fat fsck IMG                     exit 1 with a report when the volume is damaged
        fat selftest DIR                 run every command on a scratch image under DIR""";

  /** A command line that does not make sense. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String m) {
      super(m);
    }
  }

  private final PrintStream out;
  private final PrintStream err;

  FatTool(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int rc = new FatTool(System.out, System.err).run(args);
    System.out.flush();
    System.exit(rc);
  }

  /** Runs one command; returns the exit code. */
  public int run(String... args) {
    try {
      return dispatch(args);
    } catch (UsageException e) {
      err.println("fat: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException | RuntimeException e) {
      String m = e.getMessage();
      err.println("fat: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file: " + m
          : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists: " + m
          : e instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty: " + m
          : e instanceof java.nio.file.NotDirectoryException ? "not a directory: " + m
          : m == null ? e.toString() : m));
      return 1;
    }
  }

  private int dispatch(String[] args) throws UsageException, IOException {
    if (args.length == 0) {
      throw new UsageException("no command");
    }
    String cmd = args[0];
    List<String> flags = new ArrayList<>();
    List<String> pos = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("-") && args[i].length() > 1) {
        flags.add(args[i]);
      } else {
        pos.add(args[i]);
      }
    }
    return switch (cmd) {
      case "mkfs" -> mkfs(pos, flags);
      case "ls" -> { need(pos, 1, 2, flags, List.of()); yield withFs(pos.get(0), false, fs -> ls(fs, pos.size() > 1 ? pos.get(1) : "/")); }
      case "put" -> { need(pos, 3, Integer.MAX_VALUE, flags, List.of()); yield withFs(pos.get(0), true, fs -> put(fs, pos.subList(1, pos.size() - 1), pos.getLast())); }
      case "get" -> { need(pos, 3, 3, flags, List.of()); yield withFs(pos.get(0), false, fs -> get(fs, pos.get(1), Path.of(pos.get(2)))); }
      case "cat" -> { need(pos, 2, 2, flags, List.of()); yield withFs(pos.get(0), false, fs -> cat(fs, pos.get(1))); }
      case "rm" -> {
        need(pos, 2, 2, flags, List.of("-r", "-rf", "-f"));
        boolean r = flags.contains("-r") || flags.contains("-rf");
        yield withFs(pos.get(0), true, fs -> { if (r) { fs.deleteRecursively(pos.get(1)); } else if (fs.isDirectory(pos.get(1))) { fs.rmdir(pos.get(1)); } else { fs.delete(pos.get(1)); } return 0; });
      }
      case "mkdir" -> {
        need(pos, 2, 2, flags, List.of("-p"));
        boolean p = flags.contains("-p");
        yield withFs(pos.get(0), true, fs -> { if (p) { fs.mkdirs(pos.get(1)); } else { fs.mkdir(pos.get(1)); } return 0; });
      }
      case "mv" -> { need(pos, 3, 3, flags, List.of()); yield withFs(pos.get(0), true, fs -> mv(fs, pos.get(1), pos.get(2))); }
      case "df" -> { need(pos, 1, 1, flags, List.of()); yield withFs(pos.get(0), false, this::df); }
      case "fsck" -> { need(pos, 1, 1, flags, List.of()); yield fsck(Path.of(pos.get(0))); }
      case "selftest" -> { need(pos, 1, 1, flags, List.of()); yield selftest(Path.of(pos.get(0))); }
      case "help", "--help", "-h" -> { out.println(USAGE); yield 0; }
      default -> throw new UsageException("unknown command '" + cmd + "'");
    };
  }

  private static void need(List<String> pos, int min, int max, List<String> flags, List<String> allowed)
      throws UsageException {
    for (String f : flags) {
      if (!allowed.contains(f)) {
        throw new UsageException("unknown option " + f);
      }
    }
    if (pos.size() < min || pos.size() > max) {
      throw new UsageException("wrong number of arguments");
    }
  }

  interface FsAction {
    int apply(FatFileSystem fs) throws IOException, UsageException;
  }

  private int withFs(String image, boolean write, FsAction action) throws IOException, UsageException {
    Path p = Path.of(image);
    if (!Files.exists(p)) {
      throw new java.nio.file.NoSuchFileException(image);
    }
    FileBlock.Options o = FileBlock.options().sync(DiskSync.NONE);
    if (!write) {
      o = o.readOnly(true);
    }
    try (Block block = o.open(p)) {
      FatFileSystem fs = FatFileSystem.open(block, new FatFileSystem.Options(new LazySystemClock(), 8192));
      int rc;
      try {
        rc = action.apply(fs);
      } finally {
        if (write) {
          fs.close();
        }
      }
      return rc;
    }
  }

  static long parseSize(String s) throws UsageException {
    String t = s.trim().toUpperCase(Locale.ROOT);
    long mul = 1;
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!t.isEmpty()) {
      char c = t.charAt(t.length() - 1);
      int shift = switch (c) { case 'K' -> 10; case 'M' -> 20; case 'G' -> 30; case 'T' -> 40; default -> 0; };
      if (shift > 0) {
        mul = 1L << shift;
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      long v = Long.parseLong(t);
      if (v <= 0 || v > Long.MAX_VALUE / mul) {
        throw new UsageException("size out of range: " + s);
      }
      return v * mul;
    } catch (NumberFormatException e) {
      throw new UsageException("bad size '" + s + "' (bytes, or with a K, M or G suffix)");
    }
  }

  private int mkfs(List<String> pos, List<String> flags) throws UsageException, IOException {
    if (pos.size() != 2) {
      throw new UsageException("mkfs needs IMG and SIZE");
    }
    long size = parseSize(pos.get(1));
    if (size % 512 != 0) {
      size -= size % 512;
    }
    FormatOptions o = FormatOptions.defaults();
    for (String f : flags) {
      if (f.startsWith("--fat=")) {
        try {
          o = o.withType(FatType.ofBits(Integer.parseInt(f.substring(6))));
        } catch (IllegalArgumentException e) {
          throw new UsageException("--fat must be 12, 16 or 32");
        }
      } else if (f.startsWith("--label=")) {
        try {
          o = o.withLabel(f.substring(8));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      } else if (f.startsWith("--cluster=")) {
        try {
          o = o.withClusterSize((int) parseSize(f.substring(10)));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      } else {
        throw new UsageException("unknown option " + f);
      }
    }
    Path p = Path.of(pos.get(0));
    try (Block block = FileBlock.options().sync(DiskSync.NONE).create(size).replaceExisting(true).open(p)) {
      FatFileSystem.format(block, o);
      try (FatFileSystem fs = FatFileSystem.open(block)) {
        out.println(p + ": " + fs.type() + ", " + fs.clusterSize() + "-byte clusters, "
            + fs.clusterCount() + " clusters, " + fs.freeBytes() + " bytes free");
      }
    }
    return 0;
  }

  private int ls(FatFileSystem fs, String path) throws IOException {
    if (!fs.isDirectory(path)) {
      print(fs.stat(path));
      return 0;
    }
    for (FatEntry e : fs.list(path)) {
      print(e);
    }
    return 0;
  }

  private void print(FatEntry e) {
    out.printf("%s %10d %s %-12s %s%n", e.directory() ? "d" : "-", e.size(),
        e.modified().withNano(0).toString().replace('T', ' '), e.shortName(),
        e.name() + (e.directory() ? "/" : ""));
  }

  private static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  private int put(FatFileSystem fs, List<String> locals, String dest) throws IOException {
    boolean destDir = fs.isDirectory(dest);
    if (locals.size() > 1 && !destDir) {
      throw new java.nio.file.NotDirectoryException(dest);
    }
    ByteBuf buf = copyBuffer(512);
    for (String l : locals) {
      Path src = Path.of(l);
      String target = destDir ? join(dest, src.getFileName().toString()) : dest;
      putOne(fs, src, target, buf);
    }
    return 0;
  }

  private void putOne(FatFileSystem fs, Path src, String target, ByteBuf buf) throws IOException {
    if (Files.isDirectory(src)) {
      if (!fs.exists(target)) {
        fs.mkdir(target);
      } else if (!fs.isDirectory(target)) {
        throw new java.nio.file.NotDirectoryException(target);
      }
      List<Path> children;
      try (Stream<Path> s = Files.list(src)) {
        children = s.sorted().toList();
      }
      for (Path c : children) {
        putOne(fs, c, join(target, c.getFileName().toString()), buf);
      }
      return;
    }
    try (FileChannel in = FileChannel.open(src); FatFile f = fs.openOrCreate(target)) {
      f.truncate(0);
      // Copies the size the file had at open (one read for a small file, not a read until EOF),
      // into clusters reserved up front as one extent where the volume has one.
      long size = in.size();
      f.preallocate(size);
      long pos = 0;
      while (pos < size) {
        int want = (int) Math.min(buf.capacity(), size - pos);
        int n = 0;
        while (n < want) {
          int r = buf.setBytes(n, in, pos + n, want - n);
          if (r < 0) {
            break;
          }
          n += r;
        }
        if (n == 0) {
          break; // the file shrank while we copied it
        }
        buf.setIndex(0, n);
        f.write(pos, buf);
        pos += n;
      }
    }
  }

  private int get(FatFileSystem fs, String path, Path local) throws IOException {
    if (Files.isDirectory(local)) {
      String name = fs.isDirectory(path) && path.replaceAll("/+$", "").isEmpty() ? "root"
          : fs.stat(path).name();
      local = local.resolve(name);
    }
    getOne(fs, path, local, copyBuffer(256));
    return 0;
  }

  /**
   * The buffer {@code put} and {@code get} copy through: direct memory, so that file data moves
   * between the local file, the buffer and the image with no copy in the JVM. {@code get} uses 256
   * KiB and {@code put} 512 KiB (mcopy writes about 504 KiB at a time): fewer requests, so less
   * interpreted and compiled Java per byte, while the buffer still mostly stays in the CPU cache
   * between the kernel's copy in and its copy out (on a 256 MiB file, 1 MiB doubled {@code get}'s
   * system time, 0.15 s to 0.4 s; 64 KiB cost {@code put} 0.02-0.06 s more than 512 KiB).
   */
  private static ByteBuf copyBuffer(int kib) {
    return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(kib * 1024)).clear();
  }

  private void getOne(FatFileSystem fs, String path, Path local, ByteBuf buf) throws IOException {
    if (fs.isDirectory(path)) {
      Files.createDirectories(local);
      for (FatEntry e : fs.list(path)) {
        getOne(fs, join(path, e.name()), local.resolve(e.name()), buf);
      }
      return;
    }
    try (FatFile f = fs.open(path); FileChannel o = FileChannel.open(local, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long pos = 0;
      int n;
      while ((n = f.read(pos, buf.clear())) > 0) {
        for (int w = 0; w < n; ) {
          w += buf.getBytes(w, o, pos + w, n - w);
        }
        pos += n;
      }
    }
  }

  private int cat(FatFileSystem fs, String path) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (FatFile f = fs.open(path)) {
      long pos = 0;
      int n;
      while ((n = f.read(pos, buf, 0, buf.length)) > 0) {
        out.write(buf, 0, n);
        pos += n;
      }
    }
    out.flush();
    return 0;
  }

  private int mv(FatFileSystem fs, String from, String to) throws IOException {
    if (fs.isDirectory(to) && fs.exists(to)) {
      to = join(to, fs.stat(from).name());
    }
    fs.rename(from, to);
    return 0;
  }

  private int df(FatFileSystem fs) {
    long total = fs.totalBytes();
    long free = fs.freeBytes();
    // Built by hand, not with printf: java.util.Formatter's set-up (locale data, regular
    // expressions) would be a tenth of this command's run time.
    String serial = Long.toHexString(fs.volumeId()).toUpperCase(Locale.ROOT);
    out.println("type " + fs.type() + ", cluster size " + fs.clusterSize() + ", label '" + fs.label()
        + "', serial " + "0".repeat(Math.max(0, 8 - serial.length())) + serial);
    out.println(pad("bytes", 14) + " " + pad("used", 14) + " " + pad("free", 14) + " " + pad("use%", 5));
    out.println(pad(Long.toString(total), 14) + " " + pad(Long.toString(total - free), 14) + " "
        + pad(Long.toString(free), 14) + " "
        + pad((total == 0 ? 0 : (int) ((total - free) * 100 / total)) + "%", 5));
    return 0;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  /**
   * Runs every command on a scratch image in a new directory under {@code dir} (removed
   * afterwards) and checks the results: mkfs, mkdir, put (a directory with a 3 MiB file and a
   * small one), ls, mv, get, cat, rm -r, df, fsck. Exit 0 when all is as expected. The launcher
   * ({@code fs-fat/fat}) runs it once per build to record the classes that commands load in its
   * class-data-sharing archive.
   */
  private int selftest(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory(dir, "fat-selftest");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    FatTool t = new FatTool(quiet, quiet);
    try {
      String img = work.resolve("test.img").toString();
      Path in = work.resolve("in");
      Files.createDirectories(in.resolve("sub"));
      byte[] big = new byte[3 << 20];
      new java.util.Random(1).nextBytes(big);
      byte[] small = java.util.Arrays.copyOf(big, 1000);
      Files.write(in.resolve("big.bin"), big);
      Files.write(in.resolve("sub").resolve("small.txt"), small);
      Path out = work.resolve("out");
      String[][] steps = {
          {"mkfs", img, "64M", "--label=SELFTEST"}, {"mkdir", img, "/d"}, {"put", img, in.toString(), "/d"},
          {"ls", img, "/d/in"}, {"mv", img, "/d/in/sub/small.txt", "/d/small.txt"},
          {"get", img, "/d", out.toString()}, {"cat", img, "/d/small.txt"}, {"rm", "-r", img, "/d/in/sub"},
          {"df", img}, {"fsck", img}};
      for (String[] step : steps) {
        if (t.run(step) != 0) {
          throw new IOException("selftest: '" + String.join(" ", step) + "' failed");
        }
      }
      if (!java.util.Arrays.equals(Files.readAllBytes(out.resolve("in").resolve("big.bin")), big)
          || !java.util.Arrays.equals(Files.readAllBytes(out.resolve("small.txt")), small)) {
        throw new IOException("selftest: get returned other bytes than put was given");
      }
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    out.println("fat selftest: passed");
    return 0;
  }

  private int fsck(Path image) throws IOException {
    if (!Files.exists(image)) {
      throw new java.nio.file.NoSuchFileException(image.toString());
    }
    try (Block block = FileBlock.openReadOnly(image)) {
      FatChecker.Report r = FatChecker.check(block);
      for (String p : r.problems()) {
        out.println(p);
      }
      out.println(image + ": " + r.files() + " files, " + r.directories() + " directories, "
          + (r.clean() ? "clean" : r.problems().size() + " problem" + (r.problems().size() == 1 ? "" : "s")));
      return r.clean() ? 0 : 1;
    }
  }
}
