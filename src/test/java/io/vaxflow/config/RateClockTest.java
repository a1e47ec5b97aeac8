package io.vaxflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The server clock at CLOCK_RATE: faster than real time from its start, in any zone. */
class RateClockTest {

  @Test
  void runsRateTimesFasterAndKeepsItsInstantsInAnotherZone() throws InterruptedException {
    Instant start = Instant.parse("2026-11-24T00:00:00Z");
    RateClock clock = new RateClock(start, 1000);
    Thread.sleep(20);
    assertTrue(clock.millis() - start.toEpochMilli() >= 20_000, "20 real ms are 20 s at rate 1000: " + clock.instant());
    assertEquals(ZoneOffset.UTC, clock.getZone());

    Clock shanghai = clock.withZone(ZoneId.of("Asia/Shanghai"));
    assertEquals(ZoneId.of("Asia/Shanghai"), shanghai.getZone());
    long before = clock.millis();
    long there = shanghai.millis();
    assertTrue(there >= before && there - before < 60_000, "the same instants: " + before + " vs " + there);
    assertEquals(clock, clock.withZone(ZoneOffset.UTC));
    assertEquals(1000, RateClock.realMs(1_000_000, 1000));
  }
}
