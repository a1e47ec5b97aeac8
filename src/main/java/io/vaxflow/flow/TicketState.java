package io.vaxflow.flow;

import java.util.Locale;

/** What a ticket is doing at its stage. */
public enum TicketState {
  WAITING, CALLED, SERVING, NO_SHOW, DONE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static TicketState of(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
