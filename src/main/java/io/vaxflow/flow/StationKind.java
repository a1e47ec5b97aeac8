package io.vaxflow.flow;

import io.vaxflow.config.StaffAccount.Role;
import java.util.Locale;
import java.util.Map;

/** The kinds of station: the door of the vaccine room, registration desks, vaccination booths. */
public enum StationKind {
  DOOR("门口", "Door", Role.DOOR), DESK("登记台", "Desk", Role.DESK), BOOTH("接种台", "Booth", Role.VACCINATOR);

  private final String zh;
  private final String en;
  private final Role role;

  StationKind(String zh, String en, Role role) {
    this.zh = zh;
    this.en = en;
    this.role = role;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The staff role that works this kind of station. */
  public Role role() {
    return role;
  }

  /** "登记台 2" / "Desk 2". */
  public Map<String, String> label(int n) {
    return Map.of("zh", zh + " " + n, "en", en + " " + n);
  }
}
