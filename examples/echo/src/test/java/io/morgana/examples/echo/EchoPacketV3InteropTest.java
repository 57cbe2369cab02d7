package io.morgana.examples.echo;

/** {@link EchoPacketInteropTest}'s tests with TPACKET_V3 rings ({@code --packet-ring=v3}). */
class EchoPacketV3InteropTest extends EchoPacketInteropTest {

  @Override
  String ring() {
    return "v3";
  }
}
