package io.morgana.http.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkedBodyDecoderTest {

  static final String BODY = "7\r\nMozilla\r\n11;ext=1\r\nDeveloper Network\r\n0\r\nTrailer: x\r\n\r\nGET";

  @Test
  void decodes_skipsExtensionsAndTrailers_stopsAtTheNextRequest() throws Exception {
    ByteBuf in = Unpooled.copiedBuffer(BODY, StandardCharsets.US_ASCII);
    ByteBuf out = Unpooled.buffer();
    assertTrue(new ChunkedBodyDecoder(1000).decode(in, out));
    assertEquals("MozillaDeveloper Network", out.toString(StandardCharsets.US_ASCII));
    assertEquals("GET", in.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void decodes_oneByteAtATime() throws Exception {
    ChunkedBodyDecoder d = new ChunkedBodyDecoder(1000);
    ByteBuf in = Unpooled.buffer();
    ByteBuf out = Unpooled.buffer();
    byte[] all = BODY.substring(0, BODY.length() - 3).getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < all.length; i++) {
      in.writeByte(all[i]);
      boolean done = d.decode(in, out);
      assertEquals(i == all.length - 1, done, "after byte " + i);
    }
    assertEquals("MozillaDeveloper Network", out.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void overTheLimit_413() {
    ByteBuf in = Unpooled.copiedBuffer("10\r\n", StandardCharsets.US_ASCII);
    assertEquals(413, assertThrows(MalformedRequestException.class,
        () -> new ChunkedBodyDecoder(15).decode(in, Unpooled.buffer())).status());
    ByteBuf huge = Unpooled.copiedBuffer("ffffffffffffffffff\r\n", StandardCharsets.US_ASCII);
    assertEquals(413, assertThrows(MalformedRequestException.class,
        () -> new ChunkedBodyDecoder(15).decode(huge, Unpooled.buffer())).status());
  }

  @Test
  void badSyntax_400() {
    for (String s : new String[] {"x\r\n", "\r\n", "3\r\nabcd\r\n", "3 x\u0001\r\n", "-1\r\n", "1x\r\n"}) {
      ByteBuf in = Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
      assertEquals(400, assertThrows(MalformedRequestException.class,
          () -> new ChunkedBodyDecoder(100).decode(in, Unpooled.buffer())).status(), s);
    }
  }

  @Test
  void incomplete_false() throws Exception {
    assertFalse(new ChunkedBodyDecoder(100).decode(Unpooled.copiedBuffer("5\r\nab", StandardCharsets.US_ASCII), Unpooled.buffer()));
  }
}
