package io.morgana.testkit.contract;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.Console;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Contract subclasses over deliberately broken implementations, run through the launcher by
 * {@link ContractsCatchBrokenImplementationsTest} (their names do not end in Test, so surefire
 * does not run them).
 */
final class BrokenImplementations {

  private BrokenImplementations() {}

  /** A Netif wrapper with one injected bug. */
  abstract static class Wrapper implements Netif {
    final Netif inner;

    Wrapper(Netif inner) {
      this.inner = inner;
    }

    @Override public MacAddress mac() { return inner.mac(); }
    @Override public int mtu() { return inner.mtu(); }
    @Override public Offloads offloads() { return inner.offloads(); }
    @Override public NetifStats stats() { return inner.stats(); }
    @Override public void listen(FrameHandler handler) { inner.listen(handler); }
    @Override public boolean write(ByteBuf frame) { return inner.write(frame); }
    @Override public void close() { inner.close(); }
  }

  /** Swaps every second frame it sends with the one before. */
  static final class ReorderingNetifs extends NetifContract {
    @Override
    protected Link connect() {
      DeterministicLoop loop = new DeterministicLoop(new FakeClock());
      EthernetSwitch sw = new EthernetSwitch(loop);
      Netif bad = new Wrapper(sw.newPort()) {
        ByteBuf held;

        @Override
        public boolean write(ByteBuf frame) {
          if (held == null) {
            held = frame;
            return true;
          }
          boolean ok = inner.write(frame);
          inner.write(held);
          held = null;
          return ok;
        }

        @Override
        public void close() {
          if (held != null) {
            held.release();
            held = null;
          }
          inner.close();
        }
      };
      return new Link(bad, sw.newPort(), LoopDriver.deterministic(loop), sw);
    }
  }

  /** Sends frames longer than its MTU instead of refusing them. */
  static final class MtuIgnoringNetifs extends NetifContract {
    @Override
    protected Link connect() {
      DeterministicLoop loop = new DeterministicLoop(new FakeClock());
      EthernetSwitch sw = new EthernetSwitch(loop);
      Netif bad = new Wrapper(sw.newPort(MacAddress.parse("02:00:00:00:00:01"), 9000)) {
        @Override
        public int mtu() {
          return 1500;
        }
      };
      return new Link(bad, sw.newPort(MacAddress.parse("02:00:00:00:00:02"), 9000), LoopDriver.deterministic(loop), sw);
    }
  }

  /** Keeps a reference to every frame written (a leak). */
  static final class LeakingNetifs extends NetifContract {
    @Override
    protected Link connect() {
      DeterministicLoop loop = new DeterministicLoop(new FakeClock());
      EthernetSwitch sw = new EthernetSwitch(loop);
      java.util.List<ByteBuf> kept = new java.util.ArrayList<>();
      Netif bad = new Wrapper(sw.newPort()) {
        @Override
        public boolean write(ByteBuf frame) {
          kept.add(frame);
          return inner.write(frame.retain());
        }
      };
      // The contract notices the unreleased frames first; then they are released, so that the
      // leak detector stays quiet about this deliberate leak.
      return new Link(bad, sw.newPort(), LoopDriver.deterministic(loop), () -> {
        sw.close();
        kept.forEach(b -> b.release(b.refCnt()));
      });
    }
  }

  /** Reads past the end as zeros instead of refusing (a short read in disguise). */
  static final class LenientBlocks extends BlockContract {
    @Override
    protected Block open(long sectors) {
      return new InMemoryBlock(512, sectors, true) {
        @Override
        public synchronized void read(long sector, ByteBuf into) throws IOException {
          if (sector >= info().sectorCount() || sector + into.writableBytes() / 512 > info().sectorCount()) {
            into.writeZero(into.writableBytes());
            return;
          }
          super.read(sector, into);
        }
      };
    }
  }

  /** Writes a misaligned request's whole sectors before refusing the rest. */
  static final class PartialWriteBlocks extends BlockContract {
    @Override
    protected Block open(long sectors) {
      return new InMemoryBlock(512, sectors, true) {
        @Override
        public synchronized void write(long sector, ByteBuf from) throws IOException {
          int whole = from.readableBytes() / 512 * 512;
          if (whole != from.readableBytes()) {
            super.write(sector, from.readSlice(whole));
            throw new BlockException("misaligned");
          }
          super.write(sector, from);
        }
      };
    }
  }

  /** Encodes log lines in ISO-8859-1 instead of UTF-8. */
  static final class Latin1Consoles extends ConsoleContract {
    @Override
    protected Fixture open() throws IOException {
      Fixture good = new PipeConsoleContractTest().open();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Console bad = new Console() {
        @Override
        public void write(ByteBuf bytes) throws IOException {
          good.console().write(bytes);
        }

        @Override
        public void log(String line) throws IOException {
          good.console().write(io.netty.buffer.Unpooled.wrappedBuffer((line + "\n").getBytes(StandardCharsets.ISO_8859_1)));
        }

        @Override
        public ByteBuf read() throws IOException {
          return good.console().read();
        }

        @Override
        public void close() throws IOException {
          good.console().close();
        }
      };
      return new Fixture() {
        @Override public Console console() { return bad; }
        @Override public void input(byte[] bytes) throws IOException { good.input(bytes); }
        @Override public void endInput() throws IOException { good.endInput(); }
        @Override public byte[] output() throws IOException { return good.output(); }
        @Override public void close() throws IOException { good.close(); out.close(); }
      };
    }
  }
}
