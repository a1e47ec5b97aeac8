package io.vaxflow.flow;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.errors.ErrorCode;
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

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SiteFlow.class);

  private final SiteConfig site;
  private final VaxflowConfig config;
  private final Scripts scripts;
  private final Clock clock;
  private final WaitModel waits;
  private final List<String> stationIds;
  private final DataGuard guard;
  private volatile Future<Void> restoring; // the flow is shared by every event loop: a restore in progress is seen by all

  public SiteFlow(SiteConfig site, VaxflowConfig config, Scripts scripts, Clock clock, DataGuard guard) {
    this.site = site;
    this.config = config;
    this.scripts = scripts;
    this.clock = clock;
    this.guard = guard;
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

  /** Writes the configured capacities and timings where the scripts read them (cfg.* fields) and the data marker. */
  public Future<Void> publishSettings() {
    return restore("start").mapEmpty();
  }

  /**
   * Settings and the data marker written again; with {@code reset}, the day's numbering lifted
   * above every number this server has seen issued. Answers whether the marker was missing.
   */
  private Future<Boolean> restore(String reason) {
    VaxflowConfig.Flow f = config.flow();
    List<String> args = new ArrayList<>(List.of(reason, "9",
        "cfg.announceRepeats", String.valueOf(config.announce().repeats()),
        "cfg.announceIntervalSec", String.valueOf(config.announce().intervalSec()),
        "cfg.hallCapacity", String.valueOf(site.hallCapacity()),
        "cfg.roomCapacity", String.valueOf(site.roomCapacity()),
        "cfg.arrivalTimeoutSec", String.valueOf(f.arrivalTimeoutSec()),
        "cfg.leaseSec", String.valueOf(f.leaseSec()),
        "cfg.observationSec", String.valueOf(f.standardObservationSec()),
        "cfg.observationHighSec", String.valueOf(f.highObservationSec()),
        "cfg.priorityInARow", String.valueOf(f.priorityInARow())));
    guard.highest(site.id()).forEach((dayAndCategory, seq) -> {
      String[] dc = dayAndCategory.split("\\|");
      args.add(dc[0]);
      args.add(dc[1]);
      args.add(String.valueOf(seq));
    });
    return scripts.run("restore", List.of(SiteKeys.prefix(site.id())), clock.millis(), today().toString(), "system", args)
        .map(r -> r.getBoolean("fresh", false));
  }

  /**
   * The site's data is gone from Redis (restarted empty, failed over to an empty replica): settings
   * and numbering restored once however many requests (or health probes) found it at once, and
   * said loudly.
   */
  public Future<Void> recoverLostData() {
    if (restoring == null) {
      restoring = restore("reset").<Void>map(fresh -> {
        if (fresh) {
          guard.lost(clock.instant());
          LOG.error("REDIS LOST THE DATA OF SITE {}: settings restored from the config, numbering continued above "
              + "the highest numbers this server saw issued {}; tickets, queues and events before the loss are gone",
              site.id(), guard.highest(site.id()));
        }
        return null;
      }).onComplete(ar -> restoring = null);
    }
    return restoring;
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
        .compose(reply -> ErrorCode.STORE_RESET.code().equals(reply.getString("err"))
            ? recoverLostData().compose(v -> scripts.run(script, keys, clock.millis(), today().toString(), actor, args))
            : Future.succeededFuture(reply))
        .compose(reply -> {
          if (reply.containsKey("err")) return Future.failedFuture(rejection(reply));
          if (reply.getValue("ticket") instanceof JsonObject t) guard.issued(site.id(), t.getString("day"), t.getString("number"));
          return Future.succeededFuture(reply);
        });
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
  public record Patient(String name, int dose, String category, String sameIdAs) {}

  public Future<java.util.Optional<Patient>> patient(Ticket ticket) {
    String key = SiteKeys.ticket(site.id(), ticket.day(), ticket.number());
    return scripts.send(Request.cmd(Command.HMGET).arg(key).arg("name").arg("dose").arg("category").arg("sameIdAs")).map(r -> {
      if (r == null || r.get(0) == null) return java.util.Optional.<Patient>empty();
      return java.util.Optional.of(new Patient(r.get(0).toString(),
          r.get(1) == null ? 1 : r.get(1).toInteger(), r.get(2) == null ? "" : r.get(2).toString(),
          r.get(3) == null ? "" : r.get(3).toString()));
    });
  }

  /** The station's tablet is alive: its ticket's lease runs from now again (if it holds one). */
  public Future<Void> heartbeat(StationId station) {
    long due = clock.millis() + config.flow().leaseSec() * 1000L;
    return scripts.send(Request.cmd(Command.ZADD).arg(SiteKeys.timers(site.id())).arg("XX")
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
    return run("snapshot", "public", args).map(r -> {
      StageCounts counts = StageCounts.from(r.getJsonObject("counts"));
      List<Station> stations = new ArrayList<>();
      JsonArray st = array(r, "stations");
      for (int i = 0; i < st.size(); i++) {
        JsonObject s = st.getJsonObject(i);
        stations.add(Station.from(StationId.parse(s.getString("id"), site).orElseThrow(), s));
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
    return run(script, staffId, args).map(r -> {
      StageCounts counts = StageCounts.from(r.getJsonObject("counts"));
      JsonObject t = r.getJsonObject("ticket");
      return new StationResult(
          t == null ? java.util.Optional.empty() : java.util.Optional.of(ticket(t, counts)),
          Station.from(station, r.getJsonObject("station")), counts);
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
    return new Rejection(code, ErrorCode.of(code).map(ErrorCode::message).orElse(code), details);
  }
}
