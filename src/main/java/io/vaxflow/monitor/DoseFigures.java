package io.vaxflow.monitor;

import io.vaxflow.flow.Actor;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.StationKind;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's doses of the day at a site (issue 16): doses given and wasted, by lot and by local hour, the waste
 * rate, the vials open at its booths with their time, and the standby list's invitations: what the day's counters hold
 * (lua/doses_day.lua, one read whatever the size of the day).
 */
public final class DoseFigures {

  public record ByLot(String lot, String product, int given, int wasted) {}

  public record ByHour(int hour, int given, int wasted) {}

  public record OpenVial(String station, String lot, String product, int dosesLeft, Instant openedAt, Instant expiresAt) {}

  /** People on the list now; invitations sent today, taken (checked in), refused as gone, still out. */
  public record Standby(int waiting, int invited, int accepted, int gone, int out) {}

  public record Day(int given, int wasted, List<ByLot> lots, List<ByHour> hours, List<OpenVial> openVials, Standby standby) {
    /** The share of the doses used today (given or wasted) that were wasted; 0 before any. */
    public double wasteRate() {
      return given + wasted == 0 ? 0 : (double) wasted / (given + wasted);
    }
  }

  private static final long QUARTER_MS = 900_000;

  private final ZoneId zone;

  public DoseFigures(ZoneId zone) {
    this.zone = zone;
  }

  public Future<Day> of(SiteFlow flow) {
    List<String> booths = StationId.all(flow.site()).stream().filter(s -> s.kind() == StationKind.BOOTH).map(StationId::id).toList();
    return flow.run(Script.DOSES_DAY, new ScriptArgs.Stock(booths), Actor.of("public")).map(this::day);
  }

  private Day day(JsonObject r) {
    JsonObject today = r.getJsonObject("today");
    JsonObject products = r.getJsonObject("products");
    Map<String, int[]> byLot = new TreeMap<>();
    Map<Integer, int[]> byHour = new TreeMap<>();
    for (String field : today.fieldNames()) {
      int n = number(today.getValue(field));
      int kind = field.startsWith("given") ? 0 : field.startsWith("wasted") ? 1 : -1;
      if (kind < 0) continue;
      if (field.indexOf(':') > 0) byLot.computeIfAbsent(field.substring(field.indexOf(':') + 1), k -> new int[2])[kind] += n;
      if (field.indexOf('@') > 0) {
        long quarter = Long.parseLong(field.substring(field.indexOf('@') + 1));
        int hour = Instant.ofEpochMilli(quarter * QUARTER_MS).atZone(zone).getHour();
        byHour.computeIfAbsent(hour, k -> new int[2])[kind] += n;
      }
    }
    List<ByLot> lots = new ArrayList<>();
    byLot.forEach((lot, gw) -> lots.add(new ByLot(lot, products.getString(lot, ""), gw[0], gw[1])));
    List<ByHour> hours = new ArrayList<>();
    byHour.forEach((hour, gw) -> hours.add(new ByHour(hour, gw[0], gw[1])));
    List<OpenVial> vials = new ArrayList<>();
    if (r.getValue("vials") instanceof JsonArray a) {
      for (Object o : a) {
        JsonObject v = (JsonObject) o;
        vials.add(new OpenVial(v.getString("station"), v.getString("lot"), v.getString("product"), v.getInteger("dosesLeft"),
            Instant.ofEpochMilli(v.getLong("openedAt")), Instant.ofEpochMilli(v.getLong("expiresAt"))));
      }
    }
    Standby standby = new Standby(r.getInteger("standby", 0), number(today.getValue("standbyInvited")),
        number(today.getValue("standbyAccepted")), number(today.getValue("standbyGone")), r.getInteger("invitesOut", 0));
    return new Day(number(today.getValue("given")), number(today.getValue("wasted")), lots, hours, vials, standby);
  }

  /** A counter as the script wrote it (a hash field's text), 0 when absent. */
  private static int number(Object v) {
    return v == null ? 0 : v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString());
  }
}
