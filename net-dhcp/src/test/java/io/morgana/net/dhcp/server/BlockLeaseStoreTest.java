package io.morgana.net.dhcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.block.RamBlock;
import io.morgana.testkit.FaultInjectingBlock;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockLeaseStoreTest {

  static List<LeaseDatabase.Stored> leases(int n, long expires) {
    List<LeaseDatabase.Stored> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new LeaseDatabase.Stored(MacAddress.of(0x02_00_00_00_00_00L + i), Ipv4Address.parse("192.0.2." + (100 + i)),
          expires + i));
    }
    return out;
  }

  @Test
  void aBlankDiskHoldsNoLeases() throws IOException {
    assertEquals(List.of(), new BlockLeaseStore(RamBlock.create(512, 16)).load());
  }

  @Test
  void whatIsSavedIsLoadedByANewStoreOnTheSameDisk() throws IOException {
    RamBlock disk = RamBlock.create(512, 16);
    BlockLeaseStore store = new BlockLeaseStore(disk);
    store.save(leases(3, 1000));
    store.save(leases(5, 2000));
    assertEquals(leases(5, 2000), new BlockLeaseStore(disk).load());
  }

  @Test
  void aTornSaveLeavesThePreviousSetWhole() throws IOException {
    RamBlock ram = RamBlock.create(512, 16);
    new BlockLeaseStore(ram).save(leases(4, 1000)); // slot A
    FaultInjectingBlock disk = new FaultInjectingBlock(ram).tearWrite(1, 1); // header lands, text does not
    BlockLeaseStore store = new BlockLeaseStore(disk);
    assertThrows(IOException.class, () -> store.save(leases(12, 5000)));
    assertEquals(leases(4, 1000), new BlockLeaseStore(ram).load());
  }

  @Test
  void aPowerCutBeforeTheSaveLandsLeavesThePreviousSet() throws IOException {
    RamBlock ram = RamBlock.create(512, 16);
    new BlockLeaseStore(ram).save(leases(2, 1000));
    FaultInjectingBlock disk = new FaultInjectingBlock(ram).powerCutAfterWrite(0);
    assertThrows(IOException.class, () -> new BlockLeaseStore(disk).save(leases(3, 9000)));
    assertEquals(leases(2, 1000), new BlockLeaseStore(ram).load());
  }

  @Test
  void theNewestValidSlotWinsAndADamagedOneIsIgnored() throws IOException {
    RamBlock ram = RamBlock.create(512, 16);
    BlockLeaseStore store = new BlockLeaseStore(ram);
    store.save(leases(1, 100)); // slot A, seq 0
    store.save(leases(2, 200)); // slot B, seq 1
    store.save(leases(3, 300)); // slot A, seq 2
    assertEquals(leases(3, 300), new BlockLeaseStore(ram).load());
    ram.write(1, Unpooled.wrappedBuffer(new byte[512])); // damage slot A's text
    assertEquals(leases(2, 200), new BlockLeaseStore(ram).load());
  }

  @Test
  void moreLeasesThanASlotHoldsAreRefused() {
    BlockLeaseStore store = new BlockLeaseStore(RamBlock.create(512, 4)); // one text sector per slot
    IOException e = assertThrows(IOException.class, () -> store.save(leases(20, 1000)));
    assertEquals(true, e.getMessage().contains("a slot holds 512"), e.getMessage());
  }

  @Test
  void aDiskOfFewerThanFourSectorsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BlockLeaseStore(RamBlock.create(512, 3)));
  }
}
