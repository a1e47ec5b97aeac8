package io.vaxflow.gateway;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** An enrolled device of a site, as its record says (lua/lib/devices.lua). */
public record Device(String id, DeviceRole role, String name, Instant enrolledAt, String enrolledBy, Instant lastSeen) {

  /** From a script's reply. */
  static Device of(JsonObject d) {
    return new Device(d.getString("id"), DeviceRole.of(d.getString("role"))
        .orElseThrow(() -> new IllegalStateException("a device of no known role: " + d.encode())), d.getString("name", ""),
        Instant.ofEpochMilli(Long.parseLong(d.getString("enrolledAt", "0"))), d.getString("enrolledBy", ""),
        Instant.ofEpochMilli(Long.parseLong(d.getString("lastSeen", "0"))));
  }
}
