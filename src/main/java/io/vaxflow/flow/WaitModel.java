package io.vaxflow.flow;

import io.vertx.core.json.JsonObject;

/**
 * A predicted wait until the booth call, as a range. It is computed in one place, the scripts'
 * {@code lua/lib/waits.lua} (from each queue ahead and the service times observed at the site's
 * open stations; README "How a wait is predicted"), so the kiosk, the ticket lookup, the hall, the
 * dashboard and the dispatcher all show the same figure; Java only reads it.
 */
public record WaitModel(int min, int lowMin, int highMin) {

  public static final WaitModel NONE = new WaitModel(0, 0, 0);

  /** The {@code wait} a script put next to a ticket or a snapshot ({@code {min, lo, hi}}), none when absent. */
  public static WaitModel from(JsonObject wait) {
    if (wait == null) return NONE;
    int min = (int) Math.round(wait.getDouble("min", 0.0));
    return new WaitModel(min, Math.min(min, wait.getInteger("lo", 0)), Math.max(min, wait.getInteger("hi", 0)));
  }
}
