package io.vaxflow.web;

import io.vaxflow.view.Views;
import io.vaxflow.view.Words;
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

  private final Views views;

  MonitorViews(Views views) {
    this.views = views;
  }

  /** The day's doses at a site (the dashboard's doses panel), as of {@code now}. */
  JsonObject doses(io.vaxflow.monitor.DoseFigures.Day d, java.time.Instant now) {
    JsonArray lots = new JsonArray();
    d.lots().forEach(l -> lots.add(new JsonObject().put("lot", l.lot()).put("product", l.product()).put("given", l.given())
        .put("wasted", l.wasted())));
    JsonArray hours = new JsonArray();
    d.hours().forEach(h -> hours.add(new JsonObject().put("hour", h.hour()).put("given", h.given()).put("wasted", h.wasted())));
    JsonArray vials = new JsonArray();
    d.openVials().forEach(v -> vials.add(new JsonObject().put("station", v.station()).put("lot", v.lot()).put("product", v.product())
        .put("dosesLeft", v.dosesLeft()).put("openedAt", views.time(v.openedAt())).put("expiresAt", views.time(v.expiresAt()))
        .put("secondsLeft", Math.max(0, java.time.Duration.between(now, v.expiresAt()).toSeconds()))));
    io.vaxflow.monitor.DoseFigures.Standby s = d.standby();
    return new JsonObject().put("given", d.given()).put("wasted", d.wasted())
        .put("wasteRate", Math.round(d.wasteRate() * 1000) / 1000.0).put("byLot", lots).put("byHour", hours)
        .put("openVials", vials).put("standby", new JsonObject().put("waiting", s.waiting()).put("invited", s.invited())
            .put("accepted", s.accepted()).put("gone", s.gone()).put("out", s.out()));
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
    long wallNow = System.currentTimeMillis(); // displays are heard on the wall clock
    r.displays().forEach(d -> displays.add(new JsonObject().put("id", d.id())
        .put("lastContactAt", views.time(d.lastContactAt()))
        .put("lastContactAgeSec", Math.max(0, (wallNow - d.lastContactAt().toEpochMilli()) / 1000))
        .put("lastAckAt", d.lastAckAt().map(views::time).orElse(null))
        .put("lastAckAgeSec", d.lastAckAt().map(a -> Math.max(0, (wallNow - a.toEpochMilli()) / 1000)).orElse(null))
        .put("sound", d.sound().map(io.vaxflow.announce.Displays.Sound::wire).orElse(null))
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
    for (String lang : Words.LANGS) advice.put(lang, words("advice", a, action, site, lang));
    return new JsonObject().put("code", a.code().name()).put("level", a.code().level().wire())
        .put("subject", subject).put("value", a.value()).put("limit", a.limit())
        .put("message", words("alerts", a, action, site, "en"))
        .put("advice", advice).put("action", action);
  }

  /**
   * The alert ({@code section} "alerts", in English for API clients) or what the manager can do about
   * it ("advice"), as the dashboard words them (dashboard.alerts, dashboard.advice), stations by their names.
   */
  private static String words(String section, Alert a, JsonObject action, SiteConfig site, String lang) {
    java.util.Map<String, Object> vars = new java.util.HashMap<>();
    vars.put("value", a.value());
    vars.put("limit", a.limit());
    vars.put("subject", label(a.subject().orElse(""), site, lang));
    if (action != null) action.forEach(e -> vars.put(e.getKey(), e.getValue() instanceof String v ? label(v, site, lang) : e.getValue()));
    return Words.text(lang, "dashboard." + section + "." + a.code().name(), vars);
  }

  private static String label(String id, SiteConfig site, String lang) {
    return io.vaxflow.flow.StationId.parse(id, site).map(s -> Views.label(s).get(lang)).orElse(id);
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
