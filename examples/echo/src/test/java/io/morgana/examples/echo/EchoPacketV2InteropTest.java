package io.morgana.examples.echo;

/** {@link EchoPacketInteropTest}'s tests with TPACKET_V2 rings ({@code --packet-ring=v2}). */
class EchoPacketV2InteropTest extends EchoPacketInteropTest {

  @Override
  String ring() {
    return "v2";
  }
}
