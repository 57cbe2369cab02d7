package io.morgana.block.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Parsing any bytes gives a value or the one exception; emitted values parse back equal. */
class WireProperties {

  @Property(tries = 500, seed = "77")
  void mbrSector_anyBytes_parseOrMalformed(@ForAll @Size(512) byte[] bytes) {
    bytes[510] = 0x55;
    bytes[511] = (byte) 0xaa;
    try {
      MbrSector s = MbrSector.parse(Unpooled.wrappedBuffer(bytes), 0, "random");
      var out = Unpooled.buffer(512).writeZero(512);
      s.emit(out, 0);
      assertEquals(s, MbrSector.parse(out, 0, "again"));
    } catch (MalformedPartitionTableException expected) {
      assertTrue(expected.getMessage().startsWith("random"));
    }
  }

  @Property(tries = 500, seed = "78")
  void gptHeader_anyBytes_parseOrMalformed(@ForAll @Size(512) byte[] bytes, @ForAll boolean fixCrc) {
    var b = Unpooled.wrappedBuffer(bytes);
    b.setLongLE(0, GptHeader.SIGNATURE);
    b.setIntLE(GptHeader.HEADER_SIZE_OFFSET, 92 + (bytes[100] & 0x7f));
    if (fixCrc) {
      b.setIntLE(GptHeader.HEADER_CRC_OFFSET, GptHeader.headerCrc(b, 0, b.getIntLE(GptHeader.HEADER_SIZE_OFFSET)));
    }
    try {
      GptHeader.parse(b, 0, b.getLongLE(GptHeader.MY_LBA_OFFSET), 1L << 40, 512, "random");
    } catch (MalformedPartitionTableException expected) {
      // the one exception
    }
  }

  @Property(tries = 300, seed = "79")
  void gptEntry_anyBytes_parse_andEmitParseIsStable(@ForAll @Size(128) byte[] bytes) {
    GptEntry e = GptEntry.parse(Unpooled.wrappedBuffer(bytes), 0);
    var out = Unpooled.buffer(128).writeZero(128);
    e.emit(out, 0);
    assertEquals(e, GptEntry.parse(out, 0));
  }

  @Property(tries = 300, seed = "80")
  void guid_roundTrip(@ForAll long msb, @ForAll long lsb) {
    var b = Unpooled.buffer(16).writeZero(16);
    Guids.set(b, 0, new UUID(msb, lsb));
    assertEquals(new UUID(msb, lsb), Guids.get(b, 0));
  }
}
