package io.vaxflow.flow;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** A door, desk or booth and what it is doing: its ticket (if any) and who works it. */
public record Station(StationId id, State state, Optional<String> staffId, Optional<String> ticket, Instant since) {

  public enum State {
    IDLE, CALLED, SERVING, PAUSED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static Station from(StationId id, JsonObject v) {
    String staff = v.getString("staffId", "");
    String ticket = v.getString("ticket", "");
    State state = State.valueOf(v.getString("state", "idle").toUpperCase(Locale.ROOT));
    return new Station(id, state,
        staff.isEmpty() || "system".equals(staff) ? Optional.empty() : Optional.of(staff),
        ticket.isEmpty() ? Optional.empty() : Optional.of(ticket),
        Instant.ofEpochMilli(v.getLong("since", 0L)));
  }
}
