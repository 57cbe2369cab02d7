package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class EntropyTest {

  @Test
  void aSeededSourceRepeatsItsDrawsAndItsGenerators() {
    Entropy a = Entropy.seeded(17);
    Entropy b = Entropy.seeded(17);
    assertEquals(a.nextLong(), b.nextLong());
    RandomGenerator ga = a.newGenerator();
    RandomGenerator gb = b.newGenerator();
    for (int i = 0; i < 10; i++) {
      assertEquals(ga.nextInt(), gb.nextInt());
    }
    assertTrue(a.isSeeded());
  }

  @Test
  void differentSeedsDrawDifferently() {
    assertNotEquals(Entropy.seeded(1).nextLong(), Entropy.seeded(2).nextLong());
  }

  @Test
  void productionLoopsDrawFromTheSecureSource() {
    try (KernelLoop production = new KernelLoop("entropy-test")) {
      assertSame(Entropy.secure(), production.entropy());
      assertFalse(production.entropy().isSeeded());
    }
  }

  @Test
  void deterministicLoopsAreSeededByDefaultAndByTheirSeed() {
    assertEquals(new DeterministicLoop().entropy().nextLong(), new DeterministicLoop().entropy().nextLong());
    assertEquals(new DeterministicLoop(5).entropy().nextLong(), Entropy.seeded(5).nextLong());
    assertNotEquals(new DeterministicLoop(5).entropy().nextLong(), new DeterministicLoop(6).entropy().nextLong());
  }
}
