package io.vaxflow.gateway;

import java.util.Locale;
import java.util.Optional;

/** What a site's enrolled device is for: its kiosk, a hall display, a staff tablet (also the manager's). */
public enum DeviceRole {
  KIOSK,
  HALL,
  TABLET;

  /** As the API, the credential and the scripts write it: "kiosk", "hall", "tablet". */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DeviceRole> of(String wire) {
    for (DeviceRole r : values()) if (r.wire().equals(wire)) return Optional.of(r);
    return Optional.empty();
  }

  /** The role of the device a site page runs on: its kiosk, its hall display, or a tablet (staff, observation, dashboard). */
  public static DeviceRole ofPage(String page) {
    return switch (page) {
      case "kiosk" -> KIOSK;
      case "hall" -> HALL;
      default -> TABLET;
    };
  }
}
