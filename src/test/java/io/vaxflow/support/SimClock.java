package io.vaxflow.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it: a simulated day, run as fast as the test plays it. */
public final class SimClock extends Clock {

  private volatile long ms;

  public SimClock(long ms) {
    this.ms = ms;
  }

  public void set(long at) {
    ms = at;
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
