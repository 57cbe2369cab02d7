package io.morgana.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.MacAddress;
import io.morgana.runtime.DeterministicLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** The switch against a model of a learning bridge (IEEE 802.1D §7.7, §7.8: learning, filtering, flooding). */
class EthernetSwitchProperties {

  private static final int PORTS = 4;

  /** One write: from port {@code from} to {@code dst} (0-3 a port's address, 4 broadcast, 5 multicast, 6 unknown). */
  record Send(int from, int dst, int payload) {}

  @Provide
  Arbitrary<Send> sends() {
    return Combinators.combine(
            Arbitraries.integers().between(0, PORTS - 1),
            Arbitraries.integers().between(0, 6),
            Arbitraries.integers().between(0, 1600))
        .as(Send::new);
  }

  @Property(tries = 200, seed = "20261126")
  void deliversExactlyWhereALearningBridgeWould(@ForAll @Size(max = 60) List<@net.jqwik.api.From("sends") Send> sends) {
    DeterministicLoop loop = new DeterministicLoop(new FakeClock());
    EthernetSwitch sw = new EthernetSwitch(loop, 7);
    List<EthernetSwitch.Port> ports = new ArrayList<>();
    List<List<Integer>> got = new ArrayList<>();
    for (int i = 0; i < PORTS; i++) {
      // Port 3 has a small MTU, so that long frames are dropped there.
      EthernetSwitch.Port p = sw.newPort(MacAddress.of(0x0200_0000_0000L + i), i == 3 ? 576 : 1500);
      List<Integer> mine = new ArrayList<>();
      p.listen((f, at, flags) -> mine.add(f.getInt(f.readerIndex() + 14)));
      ports.add(p);
      got.add(mine);
    }
    List<ByteBuf> written = new ArrayList<>();
    Map<MacAddress, Integer> learnt = new HashMap<>();
    List<List<Integer>> expected = new ArrayList<>();
    for (int i = 0; i < PORTS; i++) {
      expected.add(new ArrayList<>());
    }
    long[] tooLong = new long[PORTS];
    for (int id = 0; id < sends.size(); id++) {
      Send s = sends.get(id);
      EthernetSwitch.Port from = ports.get(s.from());
      MacAddress dst = switch (s.dst()) {
        case 4 -> MacAddress.BROADCAST;
        case 5 -> MacAddress.parse("01:00:5e:00:00:fb");
        case 6 -> MacAddress.parse("02:99:99:99:99:99");
        default -> ports.get(s.dst()).mac();
      };
      int len = 14 + 4 + s.payload();
      ByteBuf f = Unpooled.buffer(len).writeZero(len);
      dst.writeTo(f, 0);
      from.mac().writeTo(f, 6);
      f.setInt(14, id);
      written.add(f);
      boolean accepted = from.write(f);
      assertEquals(len <= from.mtu() + 14, accepted);
      if (!accepted) {
        continue;
      }
      // Model: learn the source, then forward to the learnt port or flood; never back.
      learnt.put(from.mac(), s.from());
      Integer target = dst.isMulticast() ? null : learnt.get(dst);
      for (int p = 0; p < PORTS; p++) {
        boolean receives = target != null ? p == target && p != s.from() : p != s.from();
        if (receives) {
          if (len > ports.get(p).mtu() + 14) {
            tooLong[p]++;
          } else {
            expected.get(p).add(id);
          }
        }
      }
      if (id % 5 == 4) {
        loop.runUntilIdle(); // delivery batches of different sizes
      }
    }
    loop.runUntilIdle();
    for (int p = 0; p < PORTS; p++) {
      assertEquals(expected.get(p), got.get(p), "port " + p + " for " + sends);
      assertEquals(tooLong[p], ports.get(p).rxTooLong(), "port " + p);
    }
    sw.close();
    for (ByteBuf f : written) {
      assertEquals(0, f.refCnt(), "leaked frame");
    }
  }
}
