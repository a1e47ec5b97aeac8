package io.vaxflow.flow;

import io.vaxflow.config.StaffAccount.Role;
import java.util.Locale;

/** The kinds of station: the door of the vaccine room, registration desks, vaccination booths (named in view/Words: common.station). */
public enum StationKind {
  DOOR(Role.DOOR), DESK(Role.DESK), BOOTH(Role.VACCINATOR);

  private final Role role;

  StationKind(Role role) {
    this.role = role;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The staff role that works this kind of station. */
  public Role role() {
    return role;
  }
}
