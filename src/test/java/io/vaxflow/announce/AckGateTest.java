package io.vaxflow.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The addresses refused a bridge connection after flooding: for how long, and how many at most. */
class AckGateTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AckGate gate = new AckGate(nanos::get);

  private void advanceMs(long ms) {
    nanos.addAndGet(ms * 1_000_000);
  }

  @Test
  void anAddressIsRefusedForTheBoxTimeThenLetIn() {
    assertEquals(0, gate.boxedMs("198.51.100.7"));
    gate.box("198.51.100.7");
    assertEquals(AckGate.BOX_MS, gate.boxedMs("198.51.100.7"));
    assertEquals(0, gate.boxedMs("198.51.100.8"), "only that address");
    advanceMs(AckGate.BOX_MS - 1_500);
    assertEquals(1_500, gate.boxedMs("198.51.100.7"));
    advanceMs(1_500);
    assertEquals(0, gate.boxedMs("198.51.100.7"), "the refusal expires");
  }

  @Test
  void floodingAgainStartsTheRefusalAgain() {
    gate.box("198.51.100.7");
    advanceMs(50_000);
    gate.box("198.51.100.7");
    advanceMs(50_000);
    assertEquals(AckGate.BOX_MS - 50_000, gate.boxedMs("198.51.100.7"));
  }

  @Test
  void atMostMaxBoxedAddressesAreKeptTheOldestLetGoFirst() {
    for (int i = 0; i <= AckGate.MAX_BOXED; i++) {
      gate.box("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
      advanceMs(1);
    }
    assertEquals(0, gate.boxedMs("10.0.0.0"), "the oldest was let go");
    assertTrue(gate.boxedMs("10.0.0.1") > 0);
    int last = AckGate.MAX_BOXED;
    assertTrue(gate.boxedMs("10." + (last >> 16 & 255) + "." + (last >> 8 & 255) + "." + (last & 255)) > 0);
  }
}
