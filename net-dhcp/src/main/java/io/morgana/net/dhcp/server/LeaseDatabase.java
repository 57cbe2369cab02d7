package io.morgana.net.dhcp.server;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's bindings in a text file, one per line ({@code MAC ADDRESS EXPIRES}, the expiry in
 * seconds of the Unix epoch), replaced as a whole so that a crash at any moment leaves either the
 * old file or the new one, complete: the new contents go to {@code FILE.tmp}, which is forced to
 * the disk, renamed over {@code FILE} atomically, and the directory is forced so that the rename
 * itself is durable. Blocking: call off the loop ({@link io.morgana.runtime.EventLoop#offload}).
 */
public final class LeaseDatabase implements LeaseStore {

  /** A line of the file. */
  public record Stored(MacAddress mac, Ipv4Address address, long expiresEpochSecond) {}

  static final String HEADER = "# morgana dhcp leases v1: mac address expires-epoch-second";

  private final Path file;
  private final Path temporary;

  public LeaseDatabase(Path file) {
    this.file = file.toAbsolutePath();
    this.temporary = this.file.resolveSibling(this.file.getFileName() + ".tmp");
  }

  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return file.toString();
  }

  /**
   * The bindings in the file; none if it does not exist. Lines that do not parse are skipped: a
   * damaged line costs that binding, not the server.
   */
  @Override
  public List<Stored> load() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<Stored> out = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] f = t.split("\\s+");
      if (f.length != 3) {
        continue;
      }
      try {
        out.add(new Stored(MacAddress.parse(f[0]), Ipv4Address.parse(f[1]), Long.parseLong(f[2])));
      } catch (IllegalArgumentException e) {
        // skipped
      }
    }
    return out;
  }

  /** Replaces the file's contents with {@code leases}, durably (see the class comment). */
  @Override
  public void save(List<Stored> leases) throws IOException {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (Stored l : leases) {
      s.append(l.mac()).append(' ').append(l.address()).append(' ').append(l.expiresEpochSecond()).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.US_ASCII));
    try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + file + " atomically", e);
    }
    Path dir = file.getParent();
    if (dir != null) {
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    }
  }
}
