package io.vaxflow.config;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The server's clock: from {@code start} (the real time when none is set) it runs {@code rate}
 * times faster than real time ({@code CLOCK_RATE}, 1: the real pace). Every domain duration —
 * timers, leases, observation, repeats of a call — is measured on it; {@link #realMs} turns a
 * domain duration into the real delay of a timer.
 */
public final class RateClock extends Clock {

  private final long startMs;
  private final long realStartNanos;
  private final double rate;
  private final ZoneId zone;

  public RateClock(Instant start, double rate) {
    this(start.toEpochMilli(), System.nanoTime(), rate, ZoneOffset.UTC);
  }

  private RateClock(long startMs, long realStartNanos, double rate, ZoneId zone) {
    this.startMs = startMs;
    this.realStartNanos = realStartNanos;
    this.rate = rate;
    this.zone = zone;
  }

  /** The clock of a config: {@code CLOCK} (or now) at {@code CLOCK_RATE}. */
  public static Clock of(VaxflowConfig config) {
    if (config.clockStart().isEmpty() && config.clockRate() == 1.0) return Clock.systemUTC();
    return new RateClock(config.clockStart().orElseGet(Instant::now), config.clockRate());
  }

  /** The real milliseconds a domain duration of {@code domainMs} takes at {@code rate} (at least 1). */
  public static long realMs(long domainMs, double rate) {
    return Math.max(1, (long) Math.ceil(domainMs / rate));
  }

  public double rate() {
    return rate;
  }

  @Override
  public long millis() {
    return startMs + (long) ((System.nanoTime() - realStartNanos) / 1e6 * rate);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId other) {
    return other.equals(zone) ? this : new RateClock(startMs, realStartNanos, rate, other);
  }
}
