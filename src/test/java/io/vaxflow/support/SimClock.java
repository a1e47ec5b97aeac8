package io.vaxflow.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it: a simulated day, run as fast as the test plays it. */
public final class SimClock extends Clock {

  private final long start;
  private volatile long ms;

  public SimClock(long ms) {
    this.start = ms;
    this.ms = ms;
  }

  /** A clock standing at {@code instant} (ISO-8601, e.g. {@link TestCity#MORNING}). */
  public static SimClock at(String instant) {
    return new SimClock(Instant.parse(instant).toEpochMilli());
  }

  public void set(long at) {
    ms = at;
  }

  public void set(String instant) {
    ms = Instant.parse(instant).toEpochMilli();
  }

  /** Back to the instant the clock was made with ({@link TestCity#reset} does this for a fresh city). */
  public void rewind() {
    ms = start;
  }

  /** Moves the clock on by {@code by}: the server's timers that come due then run at its next sweep. */
  public void advance(java.time.Duration by) {
    ms += by.toMillis();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(ms);
  }

  @Override
  public long millis() {
    return ms;
  }
}
