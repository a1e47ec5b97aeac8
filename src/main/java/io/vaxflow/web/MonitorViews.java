package io.vaxflow.web;

import io.vaxflow.view.Views;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.monitor.CityOverview;
import io.vaxflow.monitor.SiteReport;
import io.vaxflow.monitor.SiteReport.Alert;
import io.vaxflow.monitor.SiteReport.Percentiles;
import io.vaxflow.monitor.SiteReport.StationUse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.OptionalDouble;

/**
 * JSON of the monitoring records: the dashboard's {@code /metrics} (the state snapshot's fields,
 * and the day's figures next to them) and the city overview.
 */
final class MonitorViews {

  /** The pages' words: an alert's advice reads as the dashboard says it. */
  private static final Pages.Dictionary WORDS = Pages.Dictionary.load();

  private final Views views;

  MonitorViews(Views views) {
    this.views = views;
  }

  JsonObject report(SiteReport r, SiteConfig site) {
    JsonObject out = views.snapshot(r.snapshot(), site);
    // The snapshot's stations, each with its figures of the day.
    JsonArray stations = out.getJsonArray("stations");
    for (int i = 0; i < stations.size(); i++) {
      JsonObject s = stations.getJsonObject(i);
      StationUse u = r.stations().stream().filter(x -> x.station().id().id().equals(s.getString("id"))).findFirst().orElse(null);
      if (u == null) continue;
      boolean acted = u.station().since().toEpochMilli() > 0;
      s.put("staffId", u.station().staffId().orElse(null)).put("since", acted ? views.time(u.station().since()) : null)
          .put("heldSec", u.heldSec()).put("busyMin", u.busyMin()).put("pausedMin", u.pausedMin())
          .put("openMin", u.openMin()).put("utilisation", number(u.utilisation(), 1000))
          .put("served", u.served()).put("noShows", u.noShows());
    }
    JsonArray hours = new JsonArray();
    r.throughput().forEach(h -> hours.add(new JsonObject().put("hour", h.hour())
        .put("label", String.format("%02d:00", h.hour()))
        .put("checkins", h.checkins()).put("vaccinated", h.vaccinated()).put("released", h.released())
        .put("noShows", h.noShows())));
    JsonArray displays = new JsonArray();
    long wallNow = System.currentTimeMillis(); // displays acknowledge on the wall clock
    r.displays().forEach(d -> displays.add(new JsonObject().put("id", d.id())
        .put("lastAckAt", views.time(d.lastAckAt()))
        .put("lastAckAgeSec", Math.max(0, (wallNow - d.lastAckAt().toEpochMilli()) / 1000))
        .put("online", d.online())));
    JsonArray alerts = new JsonArray();
    r.alerts().forEach(a -> alerts.add(alert(a, site)));
    VaxflowConfig.Limits l = r.rateLimit().limits();
    SiteReport.Totals t = r.totals();
    return out
        .put("day", r.day().toString())
        .put("waits", new JsonObject()
            .put("checkinToDesk", percentiles(r.waits().checkinToDesk()).put("headMin", number(r.waits().headOfLine().toDesk(), 10)))
            .put("deskToBooth", percentiles(r.waits().deskToBooth()).put("headMin", number(r.waits().headOfLine().vaccination(), 10)))
            .put("headOfLine", headOfLine(r.waits().headOfLine())))
        .put("predictionAccuracy", r.accuracy().toJson())
        .put("throughput", hours)
        .put("totals", new JsonObject().put("checkins", t.checkins()).put("vaccinated", t.vaccinated())
            .put("released", t.released()).put("noShowsMarked", t.noShowsMarked()).put("doorScans", t.doorScans())
            .put("bookingsMade", t.bookingsMade()))
        .put("noShows", new JsonObject().put("now", r.snapshot().counts().noShow()).put("markedToday", t.noShowsMarked()))
        .put("displays", displays)
        .put("registry", new JsonObject().put("breaker", r.registry().state()).put("failures", r.registry().failures()))
        .put("rateLimits", new JsonObject()
            .put("site", bucket(l.site()).put("tokens", r.rateLimit().siteTokens()))
            .put("kiosk", bucket(l.kiosk())).put("booking", bucket(l.booking()))
            .put("lookup", bucket(l.lookup())).put("login", bucket(l.login()))
            .put("loginFailures", l.loginFailures()).put("lockoutSec", l.lockoutSec()))
        .put("alerts", alerts)
        .put("eventsRead", r.eventsRead()).put("truncated", r.truncated());
  }

  private static JsonObject percentiles(Percentiles p) {
    return new JsonObject().put("samples", p.samples())
        .put("p50Min", number(p.p50(), 10)).put("p90Min", number(p.p90(), 10)).put("maxMin", number(p.max(), 10));
  }

  /** Minutes the head of each line has waited so far (null: nobody in that line). */
  private static JsonObject headOfLine(SiteReport.HeadOfLine h) {
    return new JsonObject().put("outside", number(h.outside(), 10)).put("hall", number(h.hall(), 10))
        .put("room", number(h.room(), 10)).put("vaccination", number(h.vaccination(), 10));
  }

  private static JsonObject bucket(VaxflowConfig.Bucket b) {
    return new JsonObject().put("rate", b.rate()).put("burst", b.burst());
  }

  private static Double number(OptionalDouble v, int scale) {
    return v.isPresent() ? Math.round(v.getAsDouble() * scale) / (double) scale : null;
  }

  private static JsonObject alert(Alert a, SiteConfig site) {
    String subject = a.subject().orElse(null);
    JsonObject action = a.action().map(x -> new JsonObject(new java.util.LinkedHashMap<>(x.params())).put("action", x.name())).orElse(null);
    JsonObject advice = new JsonObject();
    for (String lang : Pages.Dictionary.LANGS) advice.put(lang, advice(a, action, site, lang));
    return new JsonObject().put("code", a.code().name()).put("level", a.code().level().wire())
        .put("subject", subject).put("value", a.value()).put("limit", a.limit()).put("message", message(a, subject))
        .put("advice", advice).put("action", action);
  }

  /** What the manager can do about the alert, in {@code lang}: the dashboard's words (dashboard.advice), stations by their labels. */
  private static String advice(Alert a, JsonObject action, SiteConfig site, String lang) {
    String text = WORDS.of(lang).getJsonObject("dashboard").getJsonObject("advice").getString(a.code().name(), "");
    java.util.Map<String, Object> vars = new java.util.HashMap<>();
    vars.put("value", a.value());
    vars.put("limit", a.limit());
    vars.put("subject", label(a.subject().orElse(""), site, lang));
    if (action != null) action.forEach(e -> vars.put(e.getKey(), e.getValue() instanceof String v ? label(v, site, lang) : e.getValue()));
    for (var v : vars.entrySet()) text = text.replace("{" + v.getKey() + "}", String.valueOf(v.getValue()));
    return text;
  }

  private static String label(String id, SiteConfig site, String lang) {
    return io.vaxflow.flow.StationId.parse(id, site).map(s -> s.label().get(lang)).orElse(id);
  }

  /** The alert in English for API clients; pages word it from their dictionaries. */
  private static String message(Alert a, String subject) {
    long v = a.value(), l = a.limit();
    return switch (a.code()) {
      case HALL_NEARLY_FULL -> "The hall is nearly full: " + v + " of " + l + " seats taken.";
      case PEOPLE_OUTSIDE -> v + " people are waiting outside for a seat in the hall.";
      case LONG_WAIT -> "The predicted wait is " + v + " min, over " + l + " min.";
      case STATION_HELD_TOO_LONG -> subject + " has held its patient for " + v + " min, longer than the " + l + " min lease.";
      case NO_DESK_OPEN -> "Every registration desk is paused while " + v + " people wait for one.";
      case NO_BOOTH_OPEN -> "Every vaccination booth is paused while " + v + " people wait for one.";
      case DISPLAY_OFFLINE -> "Hall display " + subject + " has stopped acknowledging calls.";
      case NO_DISPLAY -> "No hall display has acknowledged today's calls.";
      case BREAKER_OPEN -> "The appointment registry is failing (" + v + " failures): check-in verifies vouchers offline.";
      case BREAKER_HALF_OPEN -> "The appointment registry is being probed after failures.";
      case CHECKIN_LIMIT_LOW -> "Check-ins are near the site's rate limit: " + v + " of " + l + " tokens left.";
      case SEVERE_REACTION -> "Number " + subject + " in observation has a severe reaction (" + v + " min ago): release held until cleared.";
      case STATION_PAUSED_QUEUE_WAITING -> subject + " is paused while " + v + " people wait for it (" + l + " open ones idle).";
      case BOOTHS_IDLE_DESKS_BEHIND -> "Booths stand idle with nobody waiting for them, while " + v + " people wait for " + l + " open desks.";
      case WAIT_OVER_TARGET -> "The predicted wait is " + v + " min, over the site's target of " + l + " min.";
    };
  }

  JsonObject city(CityOverview.Report r, String lang) {
    JsonArray sites = new JsonArray();
    for (CityOverview.SiteLoad s : r.sites()) {
      SiteConfig c = s.site();
      JsonArray days = new JsonArray();
      s.bookings().forEach(b -> days.add(new JsonObject().put("day", b.day().toString()).put("booked", b.booked())));
      sites.add(new JsonObject()
          .put("id", c.id()).put("name", c.name(lang)).put("names", Views.i18n(c.name()))
          .put("address", c.address(lang)).put("lat", c.lat()).put("lon", c.lon())
          .put("open", s.open()).put("walkIns", c.walkIns())
          .put("hours", new JsonObject().put("opens", c.hours().openText()).put("closes", c.hours().closeText()))
          .put("load", new JsonObject().put("waiting", s.counts().waiting()).put("predictedWaitMin", s.predictedWaitMin()))
          .put("counts", views.counts(s.counts()))
          .put("capacities", new JsonObject().put("hall", s.counts().hallCapacity()).put("room", s.counts().roomCapacity()))
          .put("stations", new JsonObject().put("desks", c.desks()).put("booths", c.booths()))
          .put("dailyCapacity", s.dailyCapacity())
          .put("bookings", days));
    }
    JsonArray communities = new JsonArray();
    for (CityOverview.Community c : r.communities()) {
      String reason = c.skipped().isEmpty() ? "nearest"
          : c.skipped().size() >= r.sites().size() ? "allFull" : "nearerFull";
      communities.add(new JsonObject().put("name", Views.i18n(c.place().name()))
          .put("lat", c.place().lat()).put("lon", c.place().lon())
          .put("siteId", c.siteId()).put("distanceKm", c.distanceKm())
          .put("reason", reason).put("skipped", new JsonArray(c.skipped())));
    }
    return new JsonObject().put("at", views.time(r.at())).put("today", r.today().toString())
        .put("sites", sites).put("communities", communities);
  }
}
