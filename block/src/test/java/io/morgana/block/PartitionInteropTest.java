package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.block.wire.GptEntry;
import io.morgana.block.wire.MbrEntry;
import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our tables against util-linux {@code sfdisk} and gdisk's {@code sgdisk} (Debian packages
 * {@code fdisk} and {@code gdisk}): they read what we write, we read what they write.
 */
class PartitionInteropTest {

  private static final long SEED = 20261126L;
  private static final int ROUNDS = 12;

  @TempDir Path dir;

  record Exec(int code, String out) {}

  private static Exec run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    return new Exec(p.exitValue(), out);
  }

  private static Exec runWithInput(String input, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    return new Exec(p.exitValue(), out);
  }

  /** One partition line of {@code sfdisk --dump}. */
  record DumpLine(int number, long start, long size, String type, String uuid, String name, boolean bootable) {}

  private static final Pattern LINE = Pattern.compile(
      "^\\S+?(\\d+) : start=\\s*(\\d+), size=\\s*(\\d+), type=([0-9A-Fa-f-]+)(.*)$", Pattern.MULTILINE);

  static List<DumpLine> dump(Path img) throws Exception {
    Exec e = run("sfdisk", "--dump", img.toString());
    assertEquals(0, e.code(), e.out());
    List<DumpLine> lines = new ArrayList<>();
    Matcher m = LINE.matcher(e.out());
    while (m.find()) {
      String rest = m.group(5);
      Matcher uuid = Pattern.compile("uuid=([0-9A-Fa-f-]+)").matcher(rest);
      Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(rest);
      lines.add(new DumpLine(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
          m.group(4).toLowerCase(Locale.ROOT), uuid.find() ? uuid.group(1).toLowerCase(Locale.ROOT) : "",
          name.find() ? name.group(1) : "", rest.contains("bootable")));
    }
    return lines;
  }

  @Test
  void sfdisk_readsOurMbrTables() throws Exception {
    HostTools.require("sfdisk");
    Random r = new Random(SEED);
    for (int round = 0; round < ROUNDS; round++) {
      Layouts.MbrLayout layout = Layouts.mbr(r, 5, 0, 3000);
      Path img = dir.resolve("mbr" + round + ".img");
      try (FileBlock disk = FileBlock.create(img, Math.max(layout.diskSectors(), 2048) * 512)) {
        layout.mbr().write(disk);
      }
      List<DumpLine> expected = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        MbrEntry e = layout.mbr().primary().get(i);
        if (!e.isEmpty()) {
          expected.add(new DumpLine(i + 1, e.firstLba(), e.sectorCount(), Integer.toHexString(e.type()), "", "", e.bootable()));
        }
      }
      for (int i = 0; i < layout.mbr().logical().size(); i++) {
        MbrEntry e = layout.mbr().logical().get(i).partition();
        expected.add(new DumpLine(5 + i, e.firstLba(), e.sectorCount(), Integer.toHexString(e.type()), "", "", e.bootable()));
      }
      assertEquals(expected, dump(img), "round " + round + " (seed " + SEED + "): " + layout);
    }
  }

  @Test
  void weRead_sfdiskMbrTables() throws Exception {
    HostTools.require("sfdisk");
    Random r = new Random(SEED + 1);
    for (int round = 0; round < ROUNDS; round++) {
      Layouts.MbrLayout layout = Layouts.mbr(r, 5, 2, 3000);
      StringBuilder script = new StringBuilder("label: dos\nlabel-id: 0x" + Integer.toHexString(layout.mbr().diskSignature()) + "\n");
      // sfdisk numbers primaries in script order: give it the slots in order, empty ones as size=0 placeholders are not
      // allowed, so compact the used slots first and expect that order back.
      List<MbrEntry> used = layout.mbr().primary().stream().filter(e -> !e.isEmpty()).toList();
      for (MbrEntry e : used) {
        script.append(line(e));
      }
      for (Mbr.Logical l : layout.mbr().logical()) {
        script.append(line(l.partition()));
      }
      Path img = dir.resolve("sf" + round + ".img");
      FileBlock.create(img, Math.max(layout.diskSectors(), 2048) * 512).close();
      Exec e = runWithInput(script.toString(), "sfdisk", "--no-reread", "--no-tell-kernel", "-q", img.toString());
      assertEquals(0, e.code(), script + "\n" + e.out());
      try (FileBlock disk = FileBlock.openReadOnly(img)) {
        Mbr back = Mbr.read(disk);
        List<Partition> expected = new ArrayList<>();
        for (int i = 0; i < used.size(); i++) {
          MbrEntry p = used.get(i);
          if (!p.isExtended()) {
            expected.add(new Partition(i + 1, p.firstLba(), p.sectorCount(), Mbr.typeName(p.type()), ""));
          }
        }
        for (int i = 0; i < layout.mbr().logical().size(); i++) {
          MbrEntry p = layout.mbr().logical().get(i).partition();
          expected.add(new Partition(5 + i, p.firstLba(), p.sectorCount(), Mbr.typeName(p.type()), ""));
        }
        assertEquals(expected, back.partitions(), "round " + round + ":\n" + script);
        assertEquals(layout.mbr().diskSignature(), back.diskSignature());
        for (int i = 0; i < used.size(); i++) {
          assertEquals(used.get(i).bootable(), back.primary().get(i).bootable());
        }
      }
    }
  }

  private static String line(MbrEntry e) {
    return "start=" + e.firstLba() + ", size=" + e.sectorCount() + ", type=" + Integer.toHexString(e.type())
        + (e.bootable() ? ", bootable" : "") + "\n";
  }

  @Test
  void sgdiskVerifies_andSfdiskReads_ourGptTables() throws Exception {
    HostTools.require("sgdisk", "sfdisk");
    Random r = new Random(SEED + 2);
    for (int round = 0; round < ROUNDS; round++) {
      Layouts.GptLayout layout = Layouts.gpt(r, 512, 8, true);
      Path img = dir.resolve("gpt" + round + ".img");
      try (FileBlock disk = FileBlock.create(img, layout.diskSectors() * 512)) {
        layout.gpt().write(disk);
      }
      Exec v = run("sgdisk", "-v", img.toString());
      assertEquals(0, v.code(), v.out());
      assertTrue(v.out().contains("No problems found"), "round " + round + ": " + v.out());
      List<DumpLine> expected = new ArrayList<>();
      for (Gpt.Slot s : layout.gpt().partitions()) {
        GptEntry e = s.entry();
        expected.add(new DumpLine(s.index() + 1, e.firstLba(), e.lastLba() - e.firstLba() + 1, e.type().toString(),
            e.unique().toString(), e.name(), false));
      }
      assertEquals(expected, dump(img), "round " + round + " (seed " + SEED + ")");
      if (!layout.gpt().partitions().isEmpty()) {
        Gpt.Slot first = layout.gpt().partitions().get(0);
        Exec info = run("sgdisk", "-i", String.valueOf(first.index() + 1), img.toString());
        assertTrue(info.out().contains(String.format("Attribute flags: %016X", first.entry().attributes())), info.out());
      }
    }
  }

  @Test
  void weRead_sgdiskGptTables() throws Exception {
    HostTools.require("sgdisk");
    Random r = new Random(SEED + 3);
    for (int round = 0; round < ROUNDS; round++) {
      Layouts.GptLayout layout = Layouts.gpt(r, 512, 8, true);
      Path img = dir.resolve("sg" + round + ".img");
      FileBlock.create(img, layout.diskSectors() * 512).close();
      List<String> cmd = new ArrayList<>(List.of("sgdisk", "-a", "1", "-U", layout.gpt().diskGuid().toString()));
      for (Gpt.Slot s : layout.gpt().partitions()) {
        GptEntry e = s.entry();
        int n = s.index() + 1;
        cmd.addAll(List.of("-n", n + ":" + e.firstLba() + ":" + e.lastLba(), "-t", n + ":" + e.type(), "-u", n + ":" + e.unique(),
            "-c", n + ":" + e.name()));
      }
      cmd.add(img.toString());
      Exec e = run(cmd.toArray(String[]::new));
      assertEquals(0, e.code(), cmd + "\n" + e.out());
      try (FileBlock disk = FileBlock.openReadOnly(img)) {
        Gpt back = Gpt.read(disk);
        assertEquals(layout.gpt().diskGuid(), back.diskGuid());
        assertEquals(layout.gpt().partitions().size(), back.partitions().size(), "round " + round);
        for (int i = 0; i < back.partitions().size(); i++) {
          Gpt.Slot want = layout.gpt().partitions().get(i);
          Gpt.Slot got = back.partitions().get(i);
          assertEquals(want.index(), got.index());
          GptEntry w = want.entry();
          assertEquals(new GptEntry(w.type(), w.unique(), w.firstLba(), w.lastLba(), 0, w.name()), got.entry(), "round " + round);
        }
        // and sgdisk's own output for the same disk is what our writer produces
        RamBlock ours = RamBlock.create(layout.diskSectors());
        back.write(ours);
        assertEquals(java.util.OptionalLong.empty(), Blocks.compare(disk, ours), "round " + round + ": byte-identical to sgdisk");
      }
    }
  }

  @Test
  void sgdiskVerifiesOurGpt_onA4096ByteSectorLoopDevice() throws Exception {
    HostTools.requireRoot();
    HostTools.require("losetup", "sgdisk");
    Path img = dir.resolve("4k.img");
    FileBlock.create(img, 16L << 20).close();
    Exec attach = run("losetup", "--find", "--show", "--sector-size", "4096", img.toString());
    if (attach.code() != 0 || !attach.out().trim().startsWith("/dev/loop")) {
      HostTools.unavailable("losetup could not attach a 4 KiB-sector loop device: " + attach.out());
    }
    String dev = attach.out().trim();
    try {
      try (FileBlock disk = FileBlock.options().sectorSize(4096).open(Path.of(dev))) {
        assertEquals(4096, disk.info().sectorCount());
        Gpt.forDisk(4096, 4096, UUID.fromString("11111111-2222-3333-4444-555555555555"), List.of(
            new Gpt.Slot(0, new GptEntry(Gpt.TYPE_EFI_SYSTEM, UUID.randomUUID(), 256, 1279, 0, "esp")),
            new Gpt.Slot(1, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.randomUUID(), 1280, 4089, 0, "root"))))
            .write(disk);
        disk.flush();
      }
      Exec v = run("sgdisk", "-v", dev);
      assertTrue(v.out().contains("No problems found"), v.out());
      Exec p = run("sgdisk", "-p", dev);
      assertTrue(p.out().contains("Sector size (logical/physical): 4096/4096 bytes")
          && p.out().contains("First usable sector is 6, last usable sector is 4090")
          && p.out().matches("(?s).*\\n +2 +1280 +4089 .*root.*"), p.out());
    } finally {
      run("losetup", "-d", dev);
    }
  }
}
