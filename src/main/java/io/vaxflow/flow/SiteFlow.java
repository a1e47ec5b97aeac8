package io.vaxflow.flow;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ticket flow of one site: buffers, queues and stations. Each operation is one transition
 * script (one Redis round trip); this class only prepares its arguments and reads its reply.
 */
public final class SiteFlow {

  private static final Map<String, String> MESSAGES = Map.ofEntries(
      Map.entry("UNKNOWN_TICKET", "There is no ticket with that number today."),
      Map.entry("NOT_CALLED", "This number has not been called to the vaccine room."),
      Map.entry("STATION_BUSY", "The station already has a patient; finish or return it first."),
      Map.entry("INVALID_TRANSITION", "That action does not apply to the station's current state."),
      Map.entry("NO_CAPACITY", "Every slot of that day is fully booked."),
      Map.entry("VOUCHER_INVALID", "The voucher is not valid. Book an appointment first, or ask staff."),
      Map.entry("VOUCHER_WRONG_DAY", "The voucher is for another day."),
      Map.entry("TOO_EARLY", "It is too early to check in for this appointment."),
      Map.entry("ALREADY_CHECKED_IN", "This person has already checked in today."));

  private final SiteConfig site;
  private final VaxflowConfig config;
  private final Scripts scripts;
  private final Clock clock;
  private final WaitModel waits;
  private final List<String> stationIds;

  public SiteFlow(SiteConfig site, VaxflowConfig config, Scripts scripts, Clock clock) {
    this.site = site;
    this.config = config;
    this.scripts = scripts;
    this.clock = clock;
    this.waits = new WaitModel(site, config.flow());
    this.stationIds = StationId.all(site).stream().map(StationId::id).toList();
  }

  public SiteConfig site() {
    return site;
  }


  /** The site's local date. */
  public LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), config.timeZone());
  }

  public Instant now() {
    return clock.instant();
  }

  /** Writes the configured capacities and timings where the scripts read them (cfg.* fields). */
  public Future<Void> publishSettings() {
    VaxflowConfig.Flow f = config.flow();
    Request req = Request.cmd(Command.HSET).arg(SiteKeys.settings(site.id()))
        .arg("cfg.hallCapacity").arg(site.hallCapacity())
        .arg("cfg.roomCapacity").arg(site.roomCapacity())
        .arg("cfg.arrivalTimeoutSec").arg(f.arrivalTimeoutSec())
        .arg("cfg.leaseSec").arg(f.leaseSec())
        .arg("cfg.observationSec").arg(f.observationSec())
        .arg("cfg.priorityInARow").arg(f.priorityInARow());
    return scripts.send(req).mapEmpty();
  }

  /** Runs a script as {@code actor} today; a reply with {@code err} fails with a {@link Rejection}. */
  public Future<JsonObject> run(String script, String actor, List<String> args) {
    return run(script, List.of(), actor, args);
  }

  /** As {@link #run(String, String, List)} with more KEYS after the site prefix (in the site's hash slot). */
  public Future<JsonObject> run(String script, List<String> moreKeys, String actor, List<String> args) {
    List<String> keys = new ArrayList<>();
    keys.add(SiteKeys.prefix(site.id()));
    keys.addAll(moreKeys);
    return scripts.run(script, keys, clock.millis(), today().toString(), actor, args)
        .compose(reply -> reply.containsKey("err") ? Future.failedFuture(rejection(reply)) : Future.succeededFuture(reply));
  }

  public Future<StationResult> callNext(StationId station, String staffId) {
    return stationScript("call_next", station, staffId, List.of(station.id()));
  }

  public Future<StationResult> act(StationId station, StationAction action, String staffId) {
    return stationScript(action.script(), station, staffId, List.of(station.id()));
  }

  /** To another station of the same kind, or to the head of a queue ("room", "vaccination"). */
  public Future<StationResult> transfer(StationId station, String target, String staffId) {
    return stationScript("transfer", station, staffId, List.of(station.id(), target));
  }

  public Future<Ticket> doorScan(String number, String staffId) {
    return run("door_scan", staffId, List.of(number)).map(this::ticketOf);
  }

  public Future<Ticket> reinstate(String number, String staffId) {
    return run("reinstate", staffId, List.of(number)).map(this::ticketOf);
  }

  public Future<Ticket> ticket(String number) {
    return run("ticket", "public", List.of(number)).map(this::ticketOf);
  }

  public Future<StageCounts> changeCapacities(Map<String, Integer> changes, String staffId) {
    List<String> args = new ArrayList<>();
    changes.forEach((k, v) -> {
      args.add(k);
      args.add(String.valueOf(v));
    });
    return run("settings", staffId, args).map(r -> StageCounts.from(r.getJsonObject("counts")));
  }

  /** Who holds a ticket: for the staff who serve them, never for anonymous routes. */
  public record Patient(String name, int dose, String category) {}

  public Future<java.util.Optional<Patient>> patient(String number) {
    String key = SiteKeys.prefix(site.id()) + ":t:" + today() + ":" + number;
    return scripts.send(Request.cmd(Command.HMGET).arg(key).arg("name").arg("dose").arg("category")).map(r -> {
      if (r == null || r.get(0) == null) return java.util.Optional.<Patient>empty();
      return java.util.Optional.of(new Patient(r.get(0).toString(),
          r.get(1) == null ? 1 : r.get(1).toInteger(), r.get(2) == null ? "" : r.get(2).toString()));
    });
  }

  /** The station's tablet is alive: its ticket's lease runs from now again (if it holds one). */
  public Future<Void> heartbeat(StationId station) {
    long due = clock.millis() + config.flow().leaseSec() * 1000L;
    return scripts.send(Request.cmd(Command.ZADD).arg(SiteKeys.prefix(site.id()) + ":timers").arg("XX")
        .arg(due).arg("lease|" + station.id())).mapEmpty();
  }

  /** Sweeps due timers (arrival timeouts, leases, observation); returns how many it handled. */
  public Future<Integer> tick() {
    return run("tick", "system", List.of("200")).map(r -> r.getInteger("handled", 0));
  }

  public Future<SiteSnapshot> snapshot(int recentCalls) {
    List<String> args = new ArrayList<>();
    args.add(String.valueOf(recentCalls));
    args.addAll(stationIds);
    String day = today().toString();
    return run("snapshot", "public", args).map(r -> {
      StageCounts counts = StageCounts.from(r.getJsonObject("counts"));
      List<Station> stations = new ArrayList<>();
      JsonArray st = array(r, "stations");
      for (int i = 0; i < st.size(); i++) {
        JsonObject s = st.getJsonObject(i);
        stations.add(Station.from(StationId.parse(s.getString("id"), site).orElseThrow(), day, s));
      }
      List<SiteSnapshot.CallRecord> calls = new ArrayList<>();
      JsonArray rc = array(r, "recentCalls");
      for (int i = 0; i < rc.size(); i++) {
        JsonObject c = rc.getJsonObject(i);
        calls.add(new SiteSnapshot.CallRecord(c.getString("eventId"), c.getString("number"),
            c.getString("toKind"), c.getString("toId"), Instant.ofEpochMilli(c.getLong("at")), c.getString("batch", "")));
      }
      List<SiteSnapshot.Queue> queues = new ArrayList<>();
      for (String q : List.of("outside", "hall", "room", "vaccination")) {
        JsonObject lanes = r.getJsonObject("queues").getJsonObject(q);
        queues.add(new SiteSnapshot.Queue(q, lanes.getInteger("priority"), lanes.getInteger("regular")));
      }
      return new SiteSnapshot(site.id(), clock.instant(), counts, waits.forNewArrival(counts), queues, stations, calls);
    });
  }

  private Future<StationResult> stationScript(String script, StationId station, String staffId, List<String> args) {
    String day = today().toString();
    return run(script, staffId, args).map(r -> {
      StageCounts counts = StageCounts.from(r.getJsonObject("counts"));
      JsonObject t = r.getJsonObject("ticket");
      return new StationResult(
          t == null ? java.util.Optional.empty() : java.util.Optional.of(ticket(t, counts)),
          Station.from(station, day, r.getJsonObject("station")), counts);
    });
  }

  /** The ticket of a reply, with its predicted wait. */
  public Ticket ticketOf(JsonObject reply) {
    return ticket(reply.getJsonObject("ticket"), StageCounts.from(reply.getJsonObject("counts")));
  }

  private Ticket ticket(JsonObject view, StageCounts counts) {
    Ticket t = Ticket.from(site.id(), view);
    return t.withPredictedWait(waits.forTicket(t, counts));
  }

  private static JsonArray array(JsonObject r, String key) {
    Object v = r.getValue(key);
    return v instanceof JsonArray a ? a : new JsonArray(); // cjson encodes an empty table as {}
  }

  private static Rejection rejection(JsonObject reply) {
    String code = reply.getString("err");
    JsonObject details = reply.copy();
    details.remove("err");
    return new Rejection(code, MESSAGES.getOrDefault(code, code), details);
  }
}
