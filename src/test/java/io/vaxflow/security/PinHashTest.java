package io.vaxflow.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestPins;
import org.junit.jupiter.api.Test;

/** The tests' cheap PIN hashes are the cheapest a config may hold, and verify like any other. */
class PinHashTest {

  @Test
  void theTestHashesAreAtTheMinimumIterationsAConfigAccepts() {
    String cheap = TestPins.hash("1234", TestPins.ITERATIONS);
    assertTrue(PinHash.wellFormed(cheap), cheap);
    assertTrue(PinHash.verify("1234", cheap));
    assertFalse(PinHash.verify("1235", cheap));
    assertFalse(PinHash.wellFormed(TestPins.hash("1234", TestPins.ITERATIONS - 1)), "fewer iterations are refused");
  }

  @Test
  void productionHashesKeepTheirIterations() {
    assertTrue(PinHash.hash("1234").startsWith("pbkdf2-sha256$" + PinHash.ITERATIONS + "$"));
  }
}
