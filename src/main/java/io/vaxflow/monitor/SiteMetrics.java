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
import io.vaxflow.monitor.SiteReport.Hour;
import io.vaxflow.monitor.SiteReport.Percentiles;
import io.vaxflow.monitor.SiteReport.StationUse;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
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
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The site manager's figures (SPEC "monitoring, feedback, governance"): the day's aggregates the
 * transition scripts keep as the day happens (lua/lib/stats.lua: counts per quarter hour, waits by
 * tenths of a minute, station busy and paused time), read with one script, and the live snapshot.
 * A report costs the same at 50 or 10,000 people, every server instance answers the same, and the
 * figures cover the whole day.
 */
public record SiteMetrics(VaxflowConfig config, Displays displays, RegistryClient registry, Scripts store) {

  /** The hall counts as nearly full from this share of its capacity. */
  static final double HALL_ALERT_SHARE = 0.9;
  static final int LONG_WAIT_MIN = 60;
  /** The site's check-in bucket is running low below this share of its burst. */
  static final double BUCKET_ALERT_SHARE = 0.1;
  private static final long QUARTER_MS = 900_000;
  private static final java.util.regex.Pattern PER_QUARTER = java.util.regex.Pattern.compile("([a-z_]+)@([0-9]+)");

  public Future<SiteReport> report(SiteFlow flow) {
    String site = flow.site().id();
    LocalDate day = flow.today();
    Future<SiteSnapshot> snapshot = flow.snapshot(10);
    Future<JsonObject> figures = flow.dayStats();
    Future<List<Displays.Seen>> shown = displays.status(site);
    Future<Double> tokens = siteTokens(site, flow.now().toEpochMilli());
    Future<List<Alert>> reactions = severeReactions(site, flow.now().toEpochMilli());
    Future<WaitAccuracy> accuracy = WaitAccuracy.of(flow);
    return Future.all(List.of(snapshot, figures, shown, tokens, reactions, accuracy)).map(all ->
        compute(flow.site(), day, snapshot.result(), figures.result(), shown.result(), tokens.result())
            .withAlerts(reactions.result()).withAccuracy(accuracy.result()));
  }

  /** People in observation held by a severe reaction not cleared yet (lua/observe_reaction.lua): one alert each. */
  private Future<List<Alert>> severeReactions(String site, long now) {
    return store.send(Request.cmd(Command.ZRANGE).arg(SiteKeys.Site.OBSERVE_HELD.of(site)).arg(0).arg(-1).arg("WITHSCORES")).map(r -> {
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

  private SiteReport compute(SiteConfig site, LocalDate day, SiteSnapshot snap, JsonObject figures, List<Displays.Seen> shown,
                             double tokens) {
    ZoneId zone = config.timeZone();
    long now = snap.at().toEpochMilli();
    JsonObject stats = figures.getJsonObject("stats", new JsonObject());
    long opens = site.hours().start(day, site.hours().opens()).toEpochMilli();
    Long first = number(stats, "first");
    long windowStart = first == null ? opens : Math.min(opens, first);
    // intervals the scripts closed count from the day's first event (lib/stats.lua): the open ones too
    long clip = first == null ? windowStart : first;

    int[] checkins = new int[24];
    int[] vaccinated = new int[24];
    int[] released = new int[24];
    int[] noShows = new int[24];
    int events = 0;
    for (String f : stats.fieldNames()) {
      java.util.regex.Matcher m = PER_QUARTER.matcher(f);
      if (m.matches()) {
        int h = hour(Long.parseLong(m.group(2)) * QUARTER_MS, zone);
        int n = (int) (long) number(stats, f);
        switch (m.group(1)) {
          case "checkins" -> checkins[h] += n;
          case "vaccinated" -> vaccinated[h] += n;
          case "released" -> released[h] += n;
          case "no_shows" -> noShows[h] += n;
          default -> { }
        }
      } else if (f.startsWith("e:")) {
        events += (int) (long) number(stats, f);
      }
    }

    List<StationUse> uses = new ArrayList<>();
    int doorScans = count(stats, "e:door_scan");
    for (Station s : snap.stations()) {
      String id = s.id().id();
      long since = Math.max(s.since().toEpochMilli(), clip);
      boolean holding = s.state() == Station.State.CALLED || s.state() == Station.State.SERVING;
      long busy = count(stats, id + ":busy") + (holding ? Math.max(0, now - since) : 0);
      long paused = count(stats, id + ":paused") + (s.state() == Station.State.PAUSED ? Math.max(0, now - since) : 0);
      long open = Math.max(0, Math.max(0, now - windowStart) - paused);
      int served = count(stats, id + ":served");
      // Door scans carry no station: with one door they are all its own.
      if (s.id().kind() == StationKind.DOOR && site.doors() == 1) served = doorScans;
      long heldSec = holding ? Math.max(0, (now - s.since().toEpochMilli()) / 1000) : 0;
      uses.add(new StationUse(s, heldSec, SiteReport.minutes(busy), SiteReport.minutes(paused),
          SiteReport.minutes(open), served, count(stats, id + ":no_shows")));
    }

    List<Displays.Seen> screens = new ArrayList<>(shown);
    screens.sort(Comparator.comparing(Displays.Seen::id));

    SiteReport.Breaker breaker = new SiteReport.Breaker(registry.state().name(), registry.failureCount());
    SiteReport.RateLimit limit = new SiteReport.RateLimit(config.limits(), Math.round(tokens * 10) / 10.0);

    List<Alert> alerts = Advice.advise(site, snap, uses, alerts(snap, uses, screens, count(stats, "e:call"), breaker, limit));

    JsonObject waits = figures.getJsonObject("waits", new JsonObject());
    JsonObject heads = figures.getJsonObject("heads", new JsonObject());
    SiteReport.HeadOfLine headOfLine = new SiteReport.HeadOfLine(head(heads, "outside"), head(heads, "hall"),
        head(heads, "room"), head(heads, "vaccination"));
    return new SiteReport(day, snap,
        new SiteReport.Waits(Percentiles.ofTenths(tenths(waits.getJsonObject("desk"))),
            Percentiles.ofTenths(tenths(waits.getJsonObject("booth"))), headOfLine),
        hours(site, checkins, vaccinated, released, noShows),
        new SiteReport.Totals(sum(checkins), sum(vaccinated), sum(released), count(stats, "e:no_show"), doorScans,
            count(stats, "e:booking")),
        uses, screens, breaker, limit, alerts, events, false);
  }

  /** A wait histogram of lib/stats.lua: tenths of a minute -> waits (its n and ms fields left out). */
  private static java.util.SortedMap<Long, Long> tenths(JsonObject histogram) {
    java.util.SortedMap<Long, Long> out = new java.util.TreeMap<>();
    if (histogram == null) return out;
    for (String f : histogram.fieldNames()) {
      if (!f.isEmpty() && f.chars().allMatch(Character::isDigit)) out.put(Long.parseLong(f), number(histogram, f));
    }
    return out;
  }

  private static OptionalDouble head(JsonObject heads, String queue) {
    Long ms = number(heads, queue);
    return ms == null ? OptionalDouble.empty() : OptionalDouble.of(SiteReport.minutes(ms));
  }

  /** A field of a script's reply (Redis hash values come as strings, computed ones as numbers), or null. */
  private static Long number(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v instanceof Number n) return n.longValue();
    if (v instanceof String str) {
      try {
        return Long.parseLong(str);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static int count(JsonObject stats, String field) {
    Long v = number(stats, field);
    return v == null ? 0 : (int) (long) v;
  }

  private List<Alert> alerts(SiteSnapshot snap, List<StationUse> uses, List<Displays.Seen> screens, int calls,
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
    long nowMs = System.currentTimeMillis(); // displays are heard on the wall clock, not the site's
    for (Displays.Seen d : screens) {
      if (!d.online()) {
        out.add(new Alert(AlertCode.DISPLAY_OFFLINE, Optional.of(d.id()),
            Math.max(0, (nowMs - d.lastContactAt().toEpochMilli()) / 60_000), 0));
      } else if (d.sound().equals(Optional.of(Displays.Sound.OFF))) {
        out.add(new Alert(AlertCode.DISPLAY_MUTED, Optional.of(d.id()), 0, 0));
      } else if (d.sound().equals(Optional.of(Displays.Sound.NO_VOICE))) {
        out.add(new Alert(AlertCode.DISPLAY_NO_VOICE, Optional.of(d.id()), 0, 0));
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
  private static List<Hour> hours(SiteConfig site, int[] checkins, int[] vaccinated, int[] released, int[] noShows) {
    int first = site.hours().openMinute() / 60;
    int last = (site.hours().closeMinute() - 1) / 60;
    for (int h = 0; h < 24; h++) {
      if (checkins[h] + vaccinated[h] + released[h] + noShows[h] > 0) {
        first = Math.min(first, h);
        last = Math.max(last, h);
      }
    }
    List<Hour> out = new ArrayList<>();
    for (int h = first; h <= last; h++) out.add(new Hour(h, checkins[h], vaccinated[h], released[h], noShows[h]));
    return out;
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
