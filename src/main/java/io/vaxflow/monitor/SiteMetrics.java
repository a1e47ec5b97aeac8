package io.vaxflow.monitor;

import io.vaxflow.announce.Displays;
import io.vaxflow.appointment.RegistryClient;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.SiteSnapshot;
import io.vaxflow.flow.StageCounts;
import io.vaxflow.flow.Station;
import io.vaxflow.flow.StationKind;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.monitor.SiteReport.Alert;
import io.vaxflow.monitor.SiteReport.AlertCode;
import io.vaxflow.monitor.SiteReport.Display;
import io.vaxflow.monitor.SiteReport.Hour;
import io.vaxflow.monitor.SiteReport.Percentiles;
import io.vaxflow.monitor.SiteReport.StationUse;
import io.vaxflow.store.EventStream;
import io.vaxflow.store.EventStream.Entry;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The site manager's figures (SPEC "monitoring, feedback, governance"), computed on demand from
 * the site's event stream of today and its live snapshot: no counters of its own, so every server
 * instance answers the same. A day is at most some 20,000 events; one report reads no more than
 * {@link #MAX_EVENTS} of them and says when it stopped short.
 */
public final class SiteMetrics {

  static final int MAX_EVENTS = 25_000;
  /** The hall counts as nearly full from this share of its capacity. */
  static final double HALL_ALERT_SHARE = 0.9;
  static final int LONG_WAIT_MIN = 60;
  /** The site's check-in bucket is running low below this share of its burst. */
  static final double BUCKET_ALERT_SHARE = 0.1;

  private final VaxflowConfig config;
  private final EventStream events;
  private final Displays displays;
  private final RegistryClient registry;
  private final Scripts store;

  public SiteMetrics(VaxflowConfig config, EventStream events, Displays displays, RegistryClient registry, Scripts store) {
    this.config = config;
    this.events = events;
    this.displays = displays;
    this.registry = registry;
    this.store = store;
  }

  public Future<SiteReport> report(SiteFlow flow) {
    String site = flow.site().id();
    LocalDate day = flow.today();
    Future<SiteSnapshot> snapshot = flow.snapshot(10);
    Future<List<Entry>> entries = events.day(site, day.toString(), Optional.empty(), MAX_EVENTS);
    Future<JsonArray> shown = displays.status(site);
    Future<Double> tokens = siteTokens(site, flow.now().toEpochMilli());
    Future<List<Alert>> reactions = severeReactions(site, flow.now().toEpochMilli());
    return Future.all(snapshot, entries, shown, tokens, reactions).map(all ->
        compute(flow.site(), day, snapshot.result(), entries.result(), shown.result(), tokens.result())
            .withAlerts(reactions.result()))
        .compose(r -> WaitAccuracy.of(flow).map(r::withAccuracy));
  }

  /** People in observation held by a severe reaction not cleared yet (lua/observe_reaction.lua): one alert each. */
  private Future<List<Alert>> severeReactions(String site, long now) {
    return store.send(Request.cmd(Command.ZRANGE).arg(SiteKeys.observeHeld(site)).arg(0).arg(-1).arg("WITHSCORES")).map(r -> {
      List<Alert> out = new ArrayList<>();
      List<String> flat = new ArrayList<>();
      for (Response e : r == null ? List.<Response>of() : r) { // RESP3: [member, score] pairs; RESP2: flat
        if (e.type() == ResponseType.MULTI) e.forEach(x -> flat.add(x.toString()));
        else flat.add(e.toString());
      }
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        String number = flat.get(i).substring(flat.get(i).indexOf('|') + 1);
        long since = (long) Double.parseDouble(flat.get(i + 1));
        out.add(new Alert(AlertCode.SEVERE_REACTION, Optional.of(number), Math.max(0, (now - since) / 60_000), 0));
      }
      return out;
    });
  }

  /** Tokens left now in the site-wide check-in bucket (full when it has not been touched lately). */
  private Future<Double> siteTokens(String site, long now) {
    VaxflowConfig.Bucket b = config.limits().site();
    String key = RateLimiter.kioskKeys(site, "").get(1);
    return store.send(Request.cmd(Command.HMGET).arg(key).arg("tokens").arg("ts")).map(r -> {
      if (r == null || r.get(0) == null || r.get(1) == null) return (double) b.burst();
      double left = Double.parseDouble(r.get(0).toString());
      long ts = Long.parseLong(r.get(1).toString());
      return Math.min(b.burst(), left + Math.max(0, now - ts) * b.rate() / 1000.0);
    });
  }

  /** What one station did over the day, tallied from its events. */
  private static final class Tally {
    Long busySince;
    Long pausedSince;
    boolean pauseSeen;
    long busyMs;
    long pausedMs;
    int served;
    int noShows;

    void take(long at) {
      if (busySince == null) busySince = at;
    }

    void free(long at) {
      if (busySince != null) busyMs += Math.max(0, at - busySince);
      busySince = null;
    }

    void pause(long at) {
      pauseSeen = true;
      if (pausedSince == null) pausedSince = at;
    }

    void resume(long at) {
      pauseSeen = true;
      if (pausedSince != null) pausedMs += Math.max(0, at - pausedSince);
      pausedSince = null;
    }
  }

  private SiteReport compute(SiteConfig site, LocalDate day, SiteSnapshot snap, List<Entry> entries, JsonArray shown, double tokens) {
    ZoneId zone = config.timeZone();
    long now = snap.at().toEpochMilli();
    long opens = site.hours().start(day, site.hours().opens()).toEpochMilli();
    long windowStart = entries.isEmpty() ? opens : Math.min(opens, at(entries.get(0)));

    Map<String, Long> checkedIn = new HashMap<>();
    Map<String, Long> leftDesk = new HashMap<>();
    Set<String> calledToDesk = new HashSet<>();
    Set<String> calledToBooth = new HashSet<>();
    List<Long> toDesk = new ArrayList<>();
    List<Long> toBooth = new ArrayList<>();
    int[] checkins = new int[24];
    int[] vaccinated = new int[24];
    int[] released = new int[24];
    int noShowsMarked = 0, doorScans = 0, bookings = 0, calls = 0;
    Map<String, Tally> tallies = new HashMap<>();

    for (Entry e : entries) {
      long at = at(e);
      String number = e.get("number");
      String station = e.get("station");
      switch (e.get("type")) {
        case "checkin" -> {
          checkedIn.putIfAbsent(number, at);
          checkins[hour(at, zone)]++;
        }
        case "station_call" -> {
          tally(tallies, station).take(at);
          if (station.startsWith("desk-") && calledToDesk.add(number) && checkedIn.containsKey(number)) {
            toDesk.add(at - checkedIn.get(number));
          } else if (station.startsWith("booth-") && calledToBooth.add(number) && leftDesk.containsKey(number)) {
            toBooth.add(at - leftDesk.get(number));
          }
        }
        case "transfer" -> {
          tally(tallies, station).free(at);
          String target = e.get("target");
          if (target.contains("-")) tally(tallies, target).take(at);
        }
        case "done" -> {
          Tally t = tally(tallies, station);
          t.free(at);
          t.served++;
          if (station.startsWith("desk-")) leftDesk.putIfAbsent(number, at);
          else vaccinated[hour(at, zone)]++;
        }
        case "no_show" -> {
          noShowsMarked++;
          if (!station.isEmpty()) {
            Tally t = tally(tallies, station);
            t.free(at);
            t.noShows++;
          }
        }
        case "return", "lease_expired" -> tally(tallies, station).free(at);
        case "station" -> {
          if ("paused".equals(e.get("to"))) tally(tallies, station).pause(at);
          else if ("paused".equals(e.get("from"))) tally(tallies, station).resume(at);
        }
        case "release" -> released[hour(at, zone)]++;
        case "door_scan" -> doorScans++;
        case "booking" -> bookings++;
        case "call" -> calls++;
        default -> { }
      }
    }

    List<StationUse> uses = new ArrayList<>();
    for (Station s : snap.stations()) {
      Tally t = tallies.getOrDefault(s.id().id(), new Tally());
      boolean holding = s.state() == Station.State.CALLED || s.state() == Station.State.SERVING;
      long busy = t.busyMs + (holding && t.busySince != null ? Math.max(0, now - t.busySince) : 0);
      long paused = t.pausedMs;
      if (t.pausedSince != null) paused += Math.max(0, now - t.pausedSince);
      else if (!t.pauseSeen && s.state() == Station.State.PAUSED) paused += Math.max(0, now - windowStart);
      long open = Math.max(0, Math.max(0, now - windowStart) - paused);
      int served = t.served;
      // Door scans carry no station: with one door they are all its own.
      if (s.id().kind() == StationKind.DOOR && site.doors() == 1) served = doorScans;
      long heldSec = holding ? Math.max(0, (now - s.since().toEpochMilli()) / 1000) : 0;
      uses.add(new StationUse(s, heldSec, SiteReport.minutes(busy), SiteReport.minutes(paused),
          SiteReport.minutes(open), served, t.noShows));
    }

    List<Display> screens = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      JsonObject d = shown.getJsonObject(i);
      screens.add(new Display(d.getString("id"), Instant.ofEpochMilli(d.getLong("lastAckAt", 0L)), d.getBoolean("online", false)));
    }
    screens.sort(Comparator.comparing(Display::id));

    SiteReport.Breaker breaker = new SiteReport.Breaker(registry.state().name(), registry.failureCount());
    SiteReport.RateLimit limit = new SiteReport.RateLimit(config.limits(), Math.round(tokens * 10) / 10.0);

    List<Alert> alerts = Advice.advise(site, snap, uses, alerts(snap, uses, screens, calls, breaker, limit));

    return new SiteReport(day, snap,
        new SiteReport.Waits(Percentiles.of(toDesk), Percentiles.of(toBooth)),
        hours(site, checkins, vaccinated, released),
        new SiteReport.Totals(sum(checkins), sum(vaccinated), sum(released), noShowsMarked, doorScans, bookings),
        uses, screens, breaker, limit, alerts, entries.size(), entries.size() >= MAX_EVENTS);
  }

  private List<Alert> alerts(SiteSnapshot snap, List<StationUse> uses, List<Display> screens, int calls,
                             SiteReport.Breaker breaker, SiteReport.RateLimit limit) {
    List<Alert> out = new ArrayList<>();
    StageCounts c = snap.counts();
    if (c.hallCapacity() > 0 && c.hall() >= HALL_ALERT_SHARE * c.hallCapacity()) {
      out.add(new Alert(AlertCode.HALL_NEARLY_FULL, Optional.empty(), c.hall(), c.hallCapacity()));
    }
    if (c.outside() > 0) out.add(new Alert(AlertCode.PEOPLE_OUTSIDE, Optional.empty(), c.outside(), 0));
    if (snap.predictedWaitMin() > LONG_WAIT_MIN) {
      out.add(new Alert(AlertCode.LONG_WAIT, Optional.empty(), snap.predictedWaitMin(), LONG_WAIT_MIN));
    }
    long leaseSec = config.flow().leaseSec();
    for (StationUse u : uses) {
      if (u.heldSec() > leaseSec) {
        out.add(new Alert(AlertCode.STATION_HELD_TOO_LONG, Optional.of(u.station().id().id()),
            u.heldSec() / 60, (leaseSec + 59) / 60));
      }
    }
    int registrationWaiting = c.room();
    if (registrationWaiting > 0 && allPaused(uses, StationKind.DESK)) {
      out.add(new Alert(AlertCode.NO_DESK_OPEN, Optional.empty(), registrationWaiting, 0));
    }
    if (c.vaccination() > 0 && allPaused(uses, StationKind.BOOTH)) {
      out.add(new Alert(AlertCode.NO_BOOTH_OPEN, Optional.empty(), c.vaccination(), 0));
    }
    long nowMs = System.currentTimeMillis(); // displays acknowledge on the wall clock, not the site's
    for (Display d : screens) {
      if (!d.online()) {
        out.add(new Alert(AlertCode.DISPLAY_OFFLINE, Optional.of(d.id()),
            Math.max(0, (nowMs - d.lastAckAt().toEpochMilli()) / 60_000), 0));
      }
    }
    if (screens.isEmpty() && calls > 0) out.add(new Alert(AlertCode.NO_DISPLAY, Optional.empty(), calls, 0));
    if ("OPEN".equals(breaker.state())) {
      out.add(new Alert(AlertCode.BREAKER_OPEN, Optional.of("registry"), breaker.failures(), config.registry().breakerFailures()));
    } else if ("HALF_OPEN".equals(breaker.state())) {
      out.add(new Alert(AlertCode.BREAKER_HALF_OPEN, Optional.of("registry"), breaker.failures(), config.registry().breakerFailures()));
    }
    int burst = limit.limits().site().burst();
    if (limit.siteTokens() < BUCKET_ALERT_SHARE * burst) {
      out.add(new Alert(AlertCode.CHECKIN_LIMIT_LOW, Optional.empty(), (long) Math.floor(limit.siteTokens()), burst));
    }
    out.sort(Comparator.comparing((Alert a) -> a.code().level()).reversed());
    return out;
  }

  private static boolean allPaused(List<StationUse> uses, StationKind kind) {
    List<StationUse> of = uses.stream().filter(u -> u.station().id().kind() == kind).toList();
    return !of.isEmpty() && of.stream().allMatch(u -> u.station().state() == Station.State.PAUSED);
  }

  /** The site's opening hours, widened to any hour that had events. */
  private static List<Hour> hours(SiteConfig site, int[] checkins, int[] vaccinated, int[] released) {
    int first = site.hours().openMinute() / 60;
    int last = (site.hours().closeMinute() - 1) / 60;
    for (int h = 0; h < 24; h++) {
      if (checkins[h] + vaccinated[h] + released[h] > 0) {
        first = Math.min(first, h);
        last = Math.max(last, h);
      }
    }
    List<Hour> out = new ArrayList<>();
    for (int h = first; h <= last; h++) out.add(new Hour(h, checkins[h], vaccinated[h], released[h]));
    return out;
  }

  private static Tally tally(Map<String, Tally> tallies, String station) {
    return tallies.computeIfAbsent(station, k -> new Tally());
  }

  private static long at(Entry e) {
    try {
      return Long.parseLong(e.get("at"));
    } catch (NumberFormatException ex) {
      return 0;
    }
  }

  private static int hour(long at, ZoneId zone) {
    return Instant.ofEpochMilli(at).atZone(zone).getHour();
  }

  private static int sum(int[] a) {
    int s = 0;
    for (int v : a) s += v;
    return s;
  }
}
