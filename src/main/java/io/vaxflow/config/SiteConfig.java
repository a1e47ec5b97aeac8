package io.vaxflow.config;

import java.util.Map;
import java.util.Optional;

/**
 * One vaccination site as configured: where it is, when it opens, how its slots and buffers
 * are sized and how many desks and booths it runs. Capacities here are the defaults; a manager
 * may change hall and room capacity at run time (kept in Redis). {@code targetWaitMin} is the
 * predicted wait the site aims to stay under (the dashboard advises when it is over; the capacity
 * planner plans for it). A site with {@code remote} is run
 * by the Vaxflow server at that base URL.
 */
public record SiteConfig(
    String id,
    String code,
    Map<String, String> name,
    Map<String, String> address,
    double lat,
    double lon,
    boolean walkIns,
    OpeningHours hours,
    int slotMin,
    int slotCapacity,
    int hallCapacity,
    int roomCapacity,
    int doors,
    int desks,
    int booths,
    int targetWaitMin,
    Optional<String> remote) {

  /** Run by another Vaxflow server ({@link #remote} is its base URL): no local flow, kiosk or hall. */
  public boolean isRemote() {
    return remote.isPresent();
  }

  public String name(String lang) {
    return name.getOrDefault(lang, name.getOrDefault("en", id));
  }

  public String address(String lang) {
    return address.getOrDefault(lang, address.getOrDefault("en", ""));
  }
}
