package io.vaxflow.flow;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.errors.ErrorCode;
import io.vaxflow.security.PersonalData;
import io.vaxflow.store.Script;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.store.ScriptArgs;
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
import java.util.function.Function;

/**
 * The ticket flow of one site: buffers, queues and stations. Each operation is one transition
 * script (one Redis round trip); this class only prepares its arguments and reads its reply.
 */
public final class SiteFlow {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SiteFlow.class);
  /** How long the city keeps the record of a person's doses: two years (a booster's interval and then some). */
  private static final long GIVEN_KEEP_SEC = 2L * 366 * 86400;

  private final SiteConfig site;
  private final VaxflowConfig config;
  private final Scripts scripts;
  private final Clock clock;
  private final List<String> stationIds;
  private final DataGuard guard;
  private final PersonalData personal;
  private volatile Future<Void> restoring; // the flow is shared by every event loop: a restore in progress is seen by all
  private volatile Future<Void> lifting; // likewise the lift after a Redis restart

  public SiteFlow(SiteConfig site, VaxflowConfig config, Scripts scripts, Clock clock, DataGuard guard) {
    this.site = site;
    this.config = config;
    this.scripts = scripts;
    this.clock = clock;
    this.guard = guard;
    this.personal = PersonalData.fromVoucherSecret(config.voucherSecret());
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
   * Settings and the data marker written again, and the numbering of every day lifted above every
   * number this server has seen issued ({@code reset}: after a loss of all the site's data;
   * {@code restart}: after a Redis restart). Answers whether the marker was missing.
   */
  private Future<Boolean> restore(String reason) {
    VaxflowConfig.Flow f = config.flow();
    List<ScriptArgs.Setting> settings = new ArrayList<>(List.of(
        setting("cfg.desks", site.desks()), setting("cfg.booths", site.booths()),
        setting("cfg.deskServiceMin", f.deskServiceMin()), setting("cfg.boothServiceMin", f.boothServiceMin()),
        setting("cfg.announceRepeats", config.announce().repeats()),
        setting("cfg.announceIntervalSec", config.announce().intervalSec()),
        setting("cfg.hallCapacity", site.hallCapacity()),
        setting("cfg.roomCapacity", site.roomCapacity()),
        setting("cfg.arrivalTimeoutSec", f.arrivalTimeoutSec()),
        setting("cfg.leaseSec", f.leaseSec()),
        setting("cfg.observationSec", f.standardObservationSec()),
        setting("cfg.observationHighSec", f.highObservationSec()),
        setting("cfg.priorityInARow", f.priorityInARow()),
        setting("cfg.returnLeadMin", f.returnLeadMin()),
        setting("cfg.stockRequired", site.stock().required() ? 1 : 0),
        setting("cfg.retainHours", config.privacy().retainHours()),
        setting("cfg.auditRetentionDays", config.audit().retentionDays()),
        // a shot's ticket keeps the person's name and ID number until the registry has it (done.lua, shot_delivered.lua)
        setting("cfg.recordHold", config.immunizationRegistry().delivers()
            && config.immunizationRegistry().patient() == io.vaxflow.config.ImmunizationRegistry.Patient.DOCUMENT ? 1 : 0)));
    settings.addAll(productSettings(config));
    List<ScriptArgs.Highest> highest = new ArrayList<>();
    guard.highest(site.id()).forEach((dayAndCategory, seq) -> {
      String[] dc = dayAndCategory.split("\\|");
      highest.add(new ScriptArgs.Highest(dc[0], dc[1], seq));
    });
    return scripts.run(Script.RESTORE, at(Actor.of("system"), List.of()), new ScriptArgs.Restore(reason, settings, highest))
        .map(r -> {
          noticeRedis(r);
          return r.getBoolean("fresh", false);
        });
  }

  /**
   * A script's reply names the Redis process it ran on (lib/site.lua restart_check): one this server has not seen
   * the site's scripts run on is a restart or a failover. Said once (whichever site finds it first), then the
   * numbering of every day is lifted above what this server saw issued: another server's script may have found
   * the restart first, with its own floors.
   */
  private void noticeRedis(JsonObject reply) {
    DataGuard.Restart restart = guard.redis(site.id(), reply.getString("redis"), reply.getBoolean("restarted", false),
        clock.instant());
    if (restart == DataGuard.Restart.NONE) return;
    if (restart == DataGuard.Restart.NEW) {
      LOG.error("REDIS RESTARTED (or failed over): site {} now runs on Redis process {}. Writes it had not saved may be lost "
          + "(with appendfsync everysec, up to about a second); numbering goes on above the highest numbers this server saw "
          + "issued {}. Recorded in the audit log (redis_restart) and in /health (redisRestarts)",
          site.id(), reply.getString("redis"), guard.highest(site.id()));
    }
    if (lifting == null) lifting = restore("restart").<Void>mapEmpty().onComplete(ar -> lifting = null);
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

  /**
   * The products as the stock's scripts read them (lua/lib/stock.lua), each value short (a site's settings stay a
   * small hash): {@code cfg.discardMin.<product>}, the minutes an opened vial lasts; {@code
   * cfg.allow.<dose>.<series>.<product>} = 1, a product that dose of the series may be given with.
   */
  static List<ScriptArgs.Setting> productSettings(VaxflowConfig config) {
    List<ScriptArgs.Setting> out = new ArrayList<>();
    for (io.vaxflow.config.Product p : config.products()) {
      out.add(setting("cfg.discardMin." + p.id(), p.discardAfterMin()));
      for (io.vaxflow.config.Product.Dose d : p.schedule()) {
        for (String allowed : p.allowedFor(d.dose())) out.add(setting("cfg.allow." + d.dose() + "." + p.id() + "." + allowed, 1));
      }
    }
    return out;
  }

  private static ScriptArgs.Setting setting(String name, Number value) {
    return new ScriptArgs.Setting(name, String.valueOf(value));
  }

  /** The site's script run by {@code actor} now, today; {@code moreKeys} after the site prefix (in its hash slot). */
  private Scripts.At at(Actor actor, List<String> moreKeys) {
    return Scripts.At.site(site.id(), moreKeys, clock.millis(), today().toString(), actor.id(), actor.session());
  }

  Scripts scripts() {
    return scripts;
  }

  /** A script of this site as {@code actor}; a reply with {@code err} fails with a {@link Rejection}. */
  Future<JsonObject> run(Actor actor, Function<Scripts.At, Future<JsonObject>> script) {
    return run(actor, List.of(), script);
  }

  /** As {@link #run(Actor, Function)} by one of the server's own parts ("public", "system"). */
  Future<JsonObject> run(String server, Function<Scripts.At, Future<JsonObject>> script) {
    return run(Actor.of(server), List.of(), script);
  }

  /**
   * As {@link #run(Actor, Function)} with more KEYS after the site prefix. A site whose data
   * Redis lost (STORE_RESET) is restored and the script run again, at a new now.
   */
  private Future<JsonObject> run(Actor actor, List<String> moreKeys, Function<Scripts.At, Future<JsonObject>> script) {
    return script.apply(at(actor, moreKeys))
        .compose(reply -> ErrorCode.STORE_RESET.code().equals(reply.getString("err"))
            ? recoverLostData().compose(v -> script.apply(at(actor, moreKeys)))
            : Future.succeededFuture(reply))
        .compose(reply -> {
          if (reply.containsKey("err")) return Future.failedFuture(rejection(reply));
          if (reply.getValue("ticket") instanceof JsonObject t) guard.seen(site.id(), t.getString("day"), t.getString("number"));
          if (reply.containsKey("redis")) noticeRedis(reply);
          return Future.succeededFuture(reply);
        });
  }

  /** One of the site's scripts run by {@code by} now (the stock's, package stock); a refusal fails with a {@link Rejection}. */
  public <A extends Record> Future<JsonObject> run(Script<A> script, A args, Actor by) {
    return run(by, at -> scripts.run(script, at, args));
  }

  /**
   * The check-in script: {@code buckets} the rate-limit keys it takes a token of (their limits in {@code args}); its
   * number above the highest this server saw issued today (a Redis that lost its last writes would reissue them).
   */
  public Future<JsonObject> checkin(List<String> buckets, ScriptArgs.Checkin args) {
    return run(Actor.of("kiosk"), buckets,
        at -> scripts.run(Script.CHECKIN, at, args.withFloors(guard.floors(site.id(), at.day()))));
  }

  public Future<JsonObject> book(ScriptArgs.Book args) {
    return run("public", at -> scripts.run(Script.BOOK, at, args));
  }

  /** Gives a booking up: its slot freed, its reminder off (lua/book_cancel.lua); the day and slot it had. */
  public Future<JsonObject> cancelBooking(ScriptArgs.BookCancel args) {
    return run("public", at -> scripts.run(Script.BOOK_CANCEL, at, args));
  }

  /** Sets a booking's safety flag in place (lua/book_change.lua); the appointment as it is now. */
  public Future<JsonObject> changeBooking(ScriptArgs.BookChange args) {
    return run("public", at -> scripts.run(Script.BOOK_CHANGE, at, args));
  }

  /** Claims the site's due sayings of calls (the announcer's repeats). */
  public Future<JsonObject> say(ScriptArgs.Say args) {
    return run("system", at -> scripts.run(Script.SAY, at, args));
  }

  /** Moves the bookings' reminders that are due into the stream, each once (lua/remind.lua); how many. */
  public Future<Integer> remind() {
    return run("system", at -> scripts.run(Script.REMIND, at, new ScriptArgs.Remind(200))).map(r -> r.getInteger("reminded", 0));
  }

  /**
   * Erases the names, ID numbers and phones that are due (privacy.retainHours after they were last needed; at most
   * 500 a run, the rest at the next: lua/erase.lua); how many fields it erased.
   */
  public Future<Integer> erase() {
    return run("system", at -> scripts.run(Script.ERASE, at, new ScriptArgs.Erase(500))).map(r -> r.getInteger("erased", 0));
  }

  /** Records the alerts this server sees now; the script raises and clears them once for all servers (lua/alerts.lua). */
  public Future<JsonObject> recordAlerts(ScriptArgs.Alerts seen) {
    return run("system", at -> scripts.run(Script.ALERTS, at, seen));
  }

  /** How the waits predicted at check-in came true lately (lua/wait_accuracy.lua). */
  public Future<JsonObject> waitAccuracy() {
    return run("public", at -> scripts.run(Script.WAIT_ACCURACY, at, new ScriptArgs.None()));
  }

  /** The day's figures kept by lua/lib/stats.lua and the heads of the lines (lua/day_stats.lua). */
  public Future<JsonObject> dayStats() {
    return run("system", at -> scripts.run(Script.DAY_STATS, at, new ScriptArgs.None()));
  }

  /** A station action by {@code by}: its script (StationAction), on this station; {@code target} a transfer's, else null. */
  public Future<StationResult> act(StationId station, StationAction action, String target, Actor by) {
    return stationScript(station, by, at -> action.run(scripts, at, station, target));
  }

  public Future<StationResult> act(StationId station, StationAction action, Actor by) {
    return act(station, action, null, by);
  }

  public Future<Ticket> doorScan(String number, Actor by) {
    return run(by, at -> scripts.run(Script.DOOR_SCAN, at, new ScriptArgs.OfNumber(number))).map(this::ticketOf);
  }

  public Future<Ticket> reinstate(String number, Actor by) {
    return run(by, at -> scripts.run(Script.REINSTATE, at, new ScriptArgs.OfNumber(number))).map(this::ticketOf);
  }

  public Future<Ticket> ticket(String number) {
    return run("public", at -> scripts.run(Script.TICKET, at, new ScriptArgs.OfNumber(number))).map(this::ticketOf);
  }

  /**
   * The public views of the tickets this server's phones follow, at one moment (lua/follow.lua):
   * {@code numbers} with the day of each one's link, in their order; a ticket no longer kept is null. A ticket
   * waiting in a queue comes as its queue's view with its own number, day, people ahead and wait.
   */
  public Future<List<Ticket>> follow(List<String> numbers, List<String> days) {
    return run("public", at -> scripts.run(Script.FOLLOW, at, new ScriptArgs.Follow(numbers, days))).map(r -> {
      JsonArray keys = array(r, "keys");
      JsonArray rows = array(r, "views");
      List<JsonObject> views = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        JsonArray row = rows.getJsonArray(i);
        JsonObject v = new JsonObject();
        for (int k = 0; k < keys.size(); k++) v.put(keys.getString(k), row.getValue(k));
        views.add(v);
      }
      JsonArray figures = array(r, "figures");
      // made as they are asked for (Followers sends them a slice per event-loop turn): 5,000 tickets made at once
      // held the event loop that the site's check-ins share
      return new java.util.AbstractList<Ticket>() {
        @Override
        public Ticket get(int i) {
          int view = figures.getInteger(5 * i);
          if (view == 0) return null; // no longer kept
          if (view > 0) return Ticket.from(site.id(), views.get(view - 1));
          JsonObject queued = views.get(-view - 1).copy().put("number", numbers.get(i)).put("day", days.get(i))
              .put("peopleAhead", figures.getInteger(5 * i + 1))
              .put("wait", new JsonObject().put("min", figures.getValue(5 * i + 2)).put("lo", figures.getValue(5 * i + 3))
                  .put("hi", figures.getValue(5 * i + 4)));
          return Ticket.from(site.id(), queued);
        }

        @Override
        public int size() {
          return numbers.size();
        }
      };
    });
  }

  /**
   * The day of the ticket with this number still in the site (or today's), if there is one: what a
   * track token of the number is checked against. Read-only, one HGET.
   */
  public Future<java.util.Optional<String>> liveDay(String number) {
    return scripts.send(Request.cmd(Command.HGET).arg(SiteKeys.Site.LIVE.of(site.id())).arg(number))
        .map(r -> java.util.Optional.ofNullable(r).map(Object::toString));
  }

  /** The person goes to wait away from the hall (lua/away.lua): the ticket of {@code day} with this number. */
  public Future<Ticket> away(String number, String day) {
    return run("public", at -> scripts.run(Script.AWAY, at, new ScriptArgs.OfTrackedTicket(number, day))).map(this::ticketOf);
  }

  /** The person waiting away is back in the hall before being called back (lua/back.lua). */
  public Future<Ticket> back(String number, String day) {
    return run("public", at -> scripts.run(Script.BACK, at, new ScriptArgs.OfTrackedTicket(number, day))).map(this::ticketOf);
  }

  public Future<StageCounts> changeCapacities(Map<String, Integer> changes, Actor by) {
    List<ScriptArgs.Setting> list = new ArrayList<>();
    changes.forEach((k, v) -> list.add(setting(k, v)));
    return run(by, at -> scripts.run(Script.SETTINGS, at, new ScriptArgs.Settings(list)))
        .map(r -> StageCounts.from(r.getJsonObject("counts")));
  }

  /** Who holds a ticket: for the staff who serve them, never for anonymous routes. */
  public record Patient(String name, int dose, String category, String sameIdAs) {}

  public Future<java.util.Optional<Patient>> patient(Ticket ticket) {
    String key = SiteKeys.Site.TICKET.of(site.id(), ticket.day(), ticket.number());
    return scripts.send(Request.cmd(Command.HMGET).arg(key).arg("name").arg("dose").arg("category").arg("sameIdAs")).map(r -> {
      if (r == null || r.get(0) == null) return java.util.Optional.<Patient>empty();
      return java.util.Optional.of(new Patient(personal.open(r.get(0).toString()),
          r.get(1) == null ? 1 : r.get(1).toInteger(), r.get(2) == null ? "" : r.get(2).toString(),
          r.get(3) == null ? "" : r.get(3).toString()));
    });
  }

  /** The station's tablet is alive: its ticket's lease runs from now again (if it holds one). */
  public Future<Void> heartbeat(StationId station) {
    long due = clock.millis() + config.flow().leaseSec() * 1000L;
    return scripts.send(Request.cmd(Command.ZADD).arg(SiteKeys.Site.TIMERS.of(site.id())).arg("XX")
        .arg(due).arg("lease|" + station.id())).mapEmpty();
  }

  /**
   * Sweeps due timers (arrival timeouts, leases, observation) and calls back the people waiting away
   * whose room call is {@code flow.returnLeadMin} or less away; returns how many timers it handled.
   */
  public Future<Integer> tick() {
    return run("system", at -> scripts.run(Script.TICK, at, new ScriptArgs.Tick(200, guard.floors(site.id(), at.day()))))
        .map(r -> r.getInteger("handled", 0));
  }

  public Future<SiteSnapshot> snapshot(int recentCalls) {
    return run("public", at -> scripts.run(Script.SNAPSHOT, at, new ScriptArgs.Snapshot(recentCalls, stationIds))).map(r -> {
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
            c.getString("toKind"), c.getString("toId"), Instant.ofEpochMilli(c.getLong("at")), c.getString("batch", ""),
            c.getBoolean("back", false)));
      }
      List<SiteSnapshot.Queue> queues = new ArrayList<>();
      for (String q : List.of("outside", "hall", "room", "vaccination")) {
        JsonObject lanes = r.getJsonObject("queues").getJsonObject(q);
        queues.add(new SiteSnapshot.Queue(q, lanes.getInteger("priority"), lanes.getInteger("regular")));
      }
      WaitModel wait = WaitModel.from(r.getJsonObject("wait"));
      return new SiteSnapshot(site.id(), clock.instant(), counts, wait.min(), wait.lowMin(), wait.highMin(),
          queues, stations, calls, r.getBoolean("closedToday", false));
    });
  }

  private Future<StationResult> stationScript(StationId station, Actor by, Function<Scripts.At, Future<JsonObject>> script) {
    return run(by, script).compose(r -> {
      StageCounts counts = StageCounts.from(r.getJsonObject("counts"));
      JsonObject t = r.getJsonObject("ticket");
      JsonObject shot = r.getJsonObject("shot");
      StationResult result = new StationResult(
          t == null ? java.util.Optional.empty() : java.util.Optional.of(Ticket.from(site.id(), t)),
          Station.from(station, r.getJsonObject("station")), counts,
          java.util.Optional.ofNullable(shot).map(s -> new StationResult.Shot(s.getString("shotId"), s.getString("product"),
              s.getString("lot"), s.getInteger("dose"), java.util.Optional.ofNullable(s.getInteger("dosesLeft")))));
      return shot == null ? Future.succeededFuture(result) : given(shot).map(result);
    });
  }

  /**
   * A shot given here recorded for the city too (lua/given.lua): the person's doses, by their key (the ticket's
   * PersonKey). The city's keys are in another hash slot, so this is a second script after the site's; the same shot
   * again changes nothing. If it fails the shot stays recorded at the site (and the answer is still the done's).
   */
  private Future<Void> given(JsonObject shot) {
    String person = shot.getString("personKey", "");
    if (person.isEmpty()) return Future.succeededFuture();
    ScriptArgs.Given args = new ScriptArgs.Given(person, shot.getInteger("dose"), shot.getString("day"), shot.getString("product"),
        site.id(), GIVEN_KEEP_SEC);
    return scripts.run(Script.GIVEN, new Scripts.At(List.of(SiteKeys.city()), clock.millis(), today().toString(), "system"), args)
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.error("shot {} recorded at {} but not in the city's record of the person's doses: {}", shot.getString("shotId"),
              site.id(), err.toString());
          return Future.succeededFuture();
        });
  }

  /** The ticket of a reply, with the predicted wait its script put in it. */
  public Ticket ticketOf(JsonObject reply) {
    return Ticket.from(site.id(), reply.getJsonObject("ticket"));
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
