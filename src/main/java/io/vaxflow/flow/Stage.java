package io.vaxflow.flow;

import java.util.Locale;

/** Where a ticket is in the site, in the order a patient passes through. */
public enum Stage {
  OUTSIDE, HALL, ROOM, DESK, VACCINATION, BOOTH, OBSERVATION, RELEASED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Stage of(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
