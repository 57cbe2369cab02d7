package io.morgana.fs.fat.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any bytes: the wire codecs answer with a value or {@link FatFormatException}, nothing else. */
class BiosParameterBlockProperties {

  @Provide
  Arbitrary<byte[]> sectors() {
    // Mostly plausible boot sectors with random fields, so parsing goes deep.
    return Arbitraries.bytes().array(byte[].class).ofSize(512).map(b -> {
      b[0] = (byte) 0xEB;
      b[510] = 0x55;
      b[511] = (byte) 0xAA;
      return b;
    });
  }

  @Property(tries = 2000, seed = "512")
  void anyBootSector_parsesOrThrowsFatFormatException(@ForAll("sectors") byte[] sector, @ForAll boolean plausible) {
    if (plausible) {
      sector[11] = 0;
      sector[12] = 2; // 512 bytes per sector
      sector[13] = (byte) (1 << (sector[13] & 7));
      sector[16] = 2;
    }
    try {
      BiosParameterBlock b = BiosParameterBlock.parse(Unpooled.wrappedBuffer(sector), 0, 1L << 40);
      // Whatever parsed describes a layout that fits.
      assert b.dataStart() < b.totalSectors();
      assert b.clusterCount() >= 1;
    } catch (FatFormatException expected) {
      // fine
    }
  }

  @Property(tries = 1000, seed = "32")
  void anyDirectorySlot_parsesAsShortOrLongOrThrows(@ForAll("slots") byte[] slot) {
    ByteBuf b = Unpooled.wrappedBuffer(slot);
    try {
      ShortEntry.parse(b, 0);
    } catch (FatFormatException expected) {
      // a long-name slot
    }
    try {
      LongNameSlot.parse(b, 0);
    } catch (FatFormatException expected) {
      // not a long-name slot
    }
  }

  @Provide
  Arbitrary<byte[]> slots() {
    return Arbitraries.bytes().array(byte[].class).ofSize(32);
  }

  @Example
  void emitThenParse_roundTripsAFat32BootSector() throws FatFormatException {
    BiosParameterBlock b = new BiosParameterBlock("mkfs.fat", 512, 8, 32, 2, 0, 2097152, 0xF8, 2044,
        63, 255, 0, 2, 1, 6, 0xCAFEBABEL, "MORGANA", true);
    ByteBuf buf = Unpooled.buffer(512, 512);
    b.emit(buf, 0);
    BiosParameterBlock p = BiosParameterBlock.parse(buf, 0, 1L << 31);
    assertEquals(b, p);
    assertEquals(32, p.fatBits());
  }

  @Example
  void emitThenParse_roundTripsAFloppy() throws FatFormatException {
    BiosParameterBlock b = new BiosParameterBlock("mkfs.fat", 512, 1, 1, 2, 224, 2880, 0xF0, 9, 18, 2,
        0, 0, 0, 0, 0x1234L, "FLOPPY", false);
    ByteBuf buf = Unpooled.buffer(512, 512);
    b.emit(buf, 0);
    BiosParameterBlock p = BiosParameterBlock.parse(buf, 0, 2880 * 512);
    assertEquals(b, p);
    assertEquals(12, p.fatBits());
    assertEquals(2847, p.clusterCount());
    assertEquals(33, p.dataStart());
  }
}
