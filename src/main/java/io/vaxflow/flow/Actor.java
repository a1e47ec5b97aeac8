package io.vaxflow.flow;

import java.util.Objects;

/**
 * Who runs a site's script: a staff member with the session their request came with, or one of the
 * server's own parts ("kiosk", "public", "system") and tools (the benchmark), which have none. The
 * script records the id with what it changes, and refuses a session that a logout closed
 * (lua/lib/core.lua) in the same round trip as the action itself.
 */
public record Actor(String id, String session) {

  public Actor {
    Objects.requireNonNull(id, "id");
  }

  /** A signed-in staff member, acting with the token of their session. */
  public static Actor staff(String id, String session) {
    return new Actor(id, Objects.requireNonNull(session, "session"));
  }

  /** The server itself or a tool: no session to check. */
  public static Actor of(String id) {
    return new Actor(id, null);
  }
}
