package io.vaxflow.flow;

import io.vertx.core.json.JsonObject;

/**
 * How many of the day's tickets are at each stage. Every ticket issued today is counted in exactly
 * one of outside, away … released or noShow; {@code away} are those waiting away from the hall (in
 * the outside or the hall's queue, holding no hall seat); {@code toRoom} are hall tickets already
 * called to the vaccine room (they hold a room seat and count in {@code hall} until the door scans them).
 */
public record StageCounts(
    int outside, int away, int hall, int toRoom, int room, int desk, int vaccination, int booth,
    int observation, int released, int noShow, int issued, int hallCapacity, int roomCapacity) {

  public static StageCounts from(JsonObject c) {
    return new StageCounts(
        c.getInteger("outside", 0), c.getInteger("away", 0), c.getInteger("hall", 0), c.getInteger("to_room", 0),
        c.getInteger("room", 0), c.getInteger("desk", 0), c.getInteger("vaccination", 0),
        c.getInteger("booth", 0), c.getInteger("observation", 0), c.getInteger("released", 0),
        c.getInteger("no_show", 0), c.getInteger("issued", 0),
        c.getInteger("hallCapacity", 0), c.getInteger("roomCapacity", 0));
  }

  /** The sum over every stage; equals {@link #issued()} whenever the books are straight. */
  public int accountedFor() {
    return outside + away + hall + room + desk + vaccination + booth + observation + released + noShow;
  }

  /** People in the site still waiting for their shot (those waiting away too). */
  public int waiting() {
    return outside + away + hall + room + desk + vaccination;
  }
}
