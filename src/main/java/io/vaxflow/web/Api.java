package io.vaxflow.web;

import io.vaxflow.announce.Call;
import io.vaxflow.announce.CallText;
import io.vaxflow.checkin.Checkin;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.StaffAccount.Role;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.dispatch.Dispatcher;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StationAction;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.StationResult;
import io.vaxflow.gateway.CsrfGuard;
import io.vaxflow.gateway.PinHash;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.gateway.SecureCookies;
import io.vaxflow.gateway.Sessions;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.monitor.CityOverview;
import io.vaxflow.monitor.SiteMetrics;
import io.vaxflow.store.EventStream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The HTTP API v1 (SPEC "The HTTP API"): routes built from method references, JSON at this edge only. */
public final class Api {

  /** /calls answers at most the latest this many (README "HTTP API"). */
  private static final int MAX_CALLS = 500;
  // Verified against when the staff id is unknown, so a wrong id costs the same time as a wrong PIN.
  private static final String DUMMY_HASH = PinHash.hash("0000");

  private final Vertx vertx;
  private final VaxflowConfig config;
  private final Map<String, SiteFlow> flows;
  private final Checkin checkin;
  private final Dispatcher dispatcher;
  private final Sessions sessions;
  private final EventStream events;
  private final Views views;
  private final RateLimiter limiter;
  private final SiteMetrics siteMetrics;
  private final CityOverview city;
  private final MonitorViews monitorViews;

  public Api(Vertx vertx, VaxflowConfig config, Map<String, SiteFlow> flows, Checkin checkin,
             Dispatcher dispatcher, Sessions sessions, EventStream events, RateLimiter limiter,
             SiteMetrics siteMetrics, CityOverview city) {
    this.limiter = limiter;
    this.siteMetrics = siteMetrics;
    this.city = city;
    this.vertx = vertx;
    this.config = config;
    this.flows = flows;
    this.checkin = checkin;
    this.dispatcher = dispatcher;
    this.sessions = sessions;
    this.events = events;
    this.views = new Views(config.timeZone());
    this.monitorViews = new MonitorViews(views);
  }

  public void mount(Router router) {
    router.get("/api/v1/sites").handler(this::sites);
    router.get("/api/v1/sites/:site/state").handler(this::state);
    router.post("/api/v1/bookings").handler(limiter.per(RouteClass.BOOKING)).handler(this::book);
    router.post("/api/v1/sites/:site/checkins").handler(this::checkIn);
    router.get("/api/v1/sites/:site/calls").handler(limiter.per(RouteClass.LOOKUP)).handler(this::calls);
    router.get("/api/v1/sites/:site/tickets/:number").handler(limiter.per(RouteClass.LOOKUP)).handler(this::ticket);
    router.post("/api/v1/sites/:site/tickets/:number/reinstate").handler(this::reinstate);
    router.post("/api/v1/auth/login").handler(limiter.per(RouteClass.LOGIN)).handler(this::login);
    router.post("/api/v1/auth/logout").handler(this::logout);
    router.get("/api/v1/auth/me").handler(this::me);
    router.get("/api/v1/sites/:site/stations").handler(this::stations);
    router.get("/api/v1/sites/:site/stations/:station").handler(this::stationDetail);
    router.post("/api/v1/sites/:site/stations/:station/next").handler(this::next);
    router.post("/api/v1/sites/:site/stations/:station/heartbeat").handler(this::heartbeat);
    router.post("/api/v1/sites/:site/stations/:station/transfer").handler(this::transfer);
    router.post("/api/v1/sites/:site/stations/:station/:action").handler(this::stationAction);
    router.post("/api/v1/sites/:site/door/scan").handler(this::doorScan);
    router.put("/api/v1/sites/:site/settings").handler(this::settings);
    router.get("/api/v1/sites/:site/metrics").handler(this::metrics);
    router.get("/api/v1/sites/:site/events.csv").handler(this::eventsCsv);
    router.get("/api/v1/city").handler(limiter.per(RouteClass.LOOKUP)).handler(this::city);
  }

  // ---- public ----

  private void sites(RoutingContext ctx) {
    String lang = Lang.of(ctx);
    List<Future<JsonObject>> each = new ArrayList<>();
    for (SiteConfig s : config.sites()) {
      SiteFlow flow = flows.get(s.id());
      each.add(flow.snapshot(0).map(snap -> new JsonObject()
          .put("id", s.id()).put("name", s.name(lang)).put("names", Views.i18n(s.name()))
          .put("address", s.address(lang)).put("lat", s.lat()).put("lon", s.lon())
          .put("open", s.hours().isOpen(snap.at())).put("walkIns", s.walkIns())
          .put("load", new JsonObject().put("waiting", snap.counts().waiting()).put("predictedWaitMin", snap.predictedWaitMin()))));
    }
    Future.all(each).onSuccess(all -> {
      JsonArray out = new JsonArray();
      each.forEach(f -> out.add(f.result()));
      json(ctx, 200, out);
    }).onFailure(ctx::fail);
  }

  private void state(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    flow.snapshot(10).onSuccess(s -> json(ctx, 200, views.snapshot(s, flow.site()))).onFailure(ctx::fail);
  }

  private void book(RoutingContext ctx) {
    JsonObject b = Input.body(ctx);
    String dayText = Input.text(b, "day", 10, null);
    LocalDate day;
    try {
      day = LocalDate.parse(dayText);
    } catch (DateTimeParseException e) {
      throw Rejection.invalid("day", "day must be a date like 2026-11-24.");
    }
    Optional<Dispatcher.Priority> priority = Input.optionalText(b, "priority", 16, null).map(p -> {
      try {
        return Dispatcher.Priority.valueOf(p.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw Rejection.invalid("priority", "priority must be elderly, disabled or pregnant.");
      }
    });
    Optional<Double> lat = Input.number(b, "lat", -90, 90);
    Optional<Double> lon = Input.number(b, "lon", -180, 180);
    if (lat.isPresent() != lon.isPresent()) throw Rejection.invalid(lat.isPresent() ? "lon" : "lat", "Give both lat and lon.");
    Dispatcher.Booking booking = new Dispatcher.Booking(
        Input.text(b, "name", 64, Input.NAME),
        Input.text(b, "idNumber", 24, Input.ID_NUMBER),
        Input.text(b, "phone", 20, Input.PHONE),
        Input.integer(b, "dose", 1, 4),
        day, lat, lon,
        Input.optionalText(b, "community", 64, null),
        Input.optionalText(b, "siteId", 32, Input.SLUG),
        priority);
    dispatcher.book(booking).onSuccess(a -> json(ctx, a.again() ? 200 : 201, new JsonObject()
            .put("appointmentId", a.appointmentId()).put("code", a.code())
            .put("siteId", a.site().id()).put("siteName", a.site().name(Lang.of(ctx)))
            .put("siteNames", Views.i18n(a.site().name()))
            .put("address", Views.i18n(a.site().address()))
            .put("day", a.day().toString()).put("slot", a.slot().toString())
            .put("voucher", a.voucher()).put("predictedWaitMin", a.predictedWaitMin())
            .put("reason", a.reason()).put("reasonCode", a.reasonCode().name())
            .put("distanceKm", a.distanceKm().orElse(null)).put("sitePredictedWaitMin", a.siteWaitMin())
            .put("nearest", a.nearest().map(n -> new JsonObject().put("siteId", n.site().id())
                .put("siteNames", Views.i18n(n.site().name())).put("distanceKm", n.km().orElse(null))
                .put("predictedWaitMin", n.waitMin())).orElse(null))
            .put("priority", booking.priority().map(p -> p.name().toLowerCase(Locale.ROOT)).orElse(null))))
        .onFailure(ctx::fail);
  }

  private void checkIn(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    Optional<String> key = Optional.ofNullable(ctx.request().getHeader("Idempotency-Key"))
        .map(k -> Input.param(k, Input.IDEMPOTENCY_KEY,
            Rejection.invalid("Idempotency-Key", "Idempotency-Key must be 8 to 64 letters, digits, - or _.")));
    JsonObject b = Input.body(ctx);
    Checkin.Request request;
    if (b.containsKey("walkIn")) {
      if (b.containsKey("voucher")) throw Rejection.invalid("voucher", "Give a voucher or a walk-in, not both.");
      if (!(b.getValue("walkIn") instanceof JsonObject w)) throw Rejection.invalid("walkIn", "walkIn must be an object.");
      request = new Checkin.WalkIn(
          Input.text(w, "name", 64, Input.NAME), Input.text(w, "idNumber", 24, Input.ID_NUMBER),
          Input.integer(w, "dose", 1, 4));
    } else {
      request = new Checkin.WithVoucher(Input.text(b, "voucher", 128, null));
    }
    checkin.checkIn(flow, request, key, RateLimiter.address(ctx))
        .onSuccess(r -> json(ctx, r.replay() ? 200 : 201, new JsonObject().put("ticket", views.ticket(r.ticket()))))
        .onFailure(ctx::fail);
  }

  private void calls(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    Optional<String> after = Optional.ofNullable(ctx.request().getParam("after"))
        .map(a -> Input.param(a, Input.EVENT_ID, Rejection.invalid("after", "after must be an event id like 1732400000000-0.")));
    events.calls(flow.site().id(), flow.today().toString(), after, MAX_CALLS).onSuccess(entries -> {
      JsonArray out = new JsonArray();
      for (EventStream.Entry e : entries) {
        Call c = CallText.call(e.id(), flow.site().id(), e.get("number"), e.get("toKind"), e.get("toId"),
            Instant.ofEpochMilli(Long.parseLong(e.get("at"))), e.get("batch"), config.announce().repeats());
        out.add(views.call(c));
      }
      json(ctx, 200, out);
    }).onFailure(ctx::fail);
  }

  private void ticket(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    String number = number(ctx);
    flow.ticket(number).onSuccess(t -> json(ctx, 200, views.ticket(t))).onFailure(ctx::fail);
  }

  // ---- staff ----

  private void login(RoutingContext ctx) {
    JsonObject b = Input.body(ctx);
    String staffId = Input.text(b, "staffId", 32, null);
    String pin = Input.text(b, "pin", 32, null);
    Optional<StaffAccount> account = config.staffAccount(staffId);
    String hash = account.map(StaffAccount::pinHash).orElse(DUMMY_HASH);
    String address = RateLimiter.address(ctx);
    limiter.loginAllowed(staffId, address)
        .compose(v -> vertx.<Boolean>executeBlocking(() -> PinHash.verify(pin, hash) && account.isPresent(), false))
        .compose(ok -> {
          if (!ok) {
            return limiter.loginFailed(staffId, address)
                .compose(v -> Future.failedFuture(new Rejection("BAD_CREDENTIALS", "Wrong staff id or PIN.")));
          }
          return limiter.loginSucceeded(staffId, address).compose(v -> sessions.open(account.get()));
        })
        .onSuccess(token -> {
          ctx.response().addCookie(SecureCookies.cookie(ctx, Sessions.COOKIE, token, Sessions.TTL.toSeconds()).setHttpOnly(true));
          String csrf = CsrfGuard.issue(ctx);
          json(ctx, 200, new JsonObject().put("staff", views.staff(account.get())).put("csrfToken", csrf));
        })
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(Sessions.COOKIE);
    Future<Void> closed = c == null ? Future.succeededFuture() : sessions.close(c.getValue());
    closed.onSuccess(v -> {
      ctx.response().addCookie(SecureCookies.cookie(ctx, Sessions.COOKIE, "", 0).setHttpOnly(true));
      json(ctx, 200, new JsonObject().put("loggedOut", true));
    }).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    StaffAccount s = StaffAuth.staff(ctx).orElseThrow(() -> new Rejection("UNAUTHENTICATED", "Log in first."));
    json(ctx, 200, new JsonObject().put("staff", views.staff(s)));
  }

  private void stations(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StaffAuth.require(ctx, flow.site().id());
    flow.snapshot(0).onSuccess(s -> {
      JsonArray out = new JsonArray();
      s.stations().forEach(st -> out.add(views.station(st)));
      json(ctx, 200, out);
    }).onFailure(ctx::fail);
  }

  /** The station, its ticket and (for desks, booths and managers) who the patient is. */
  private void stationDetail(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StationId station = station(ctx, flow);
    StaffAccount staff = StaffAuth.require(ctx, flow.site().id());
    flow.snapshot(0).compose(snap -> {
      var st = snap.stations().stream().filter(x -> x.id().equals(station)).findFirst().orElseThrow();
      JsonObject out = new JsonObject().put("station", views.station(st));
      if (st.ticket().isEmpty()) return Future.succeededFuture(out);
      return flow.ticket(st.ticket().get()).compose(t -> flow.patient(t).map(p -> {
        out.put("ticket", views.ticket(t));
        boolean full = staff.has(Role.DESK) || staff.has(Role.VACCINATOR) || staff.runsSites();
        p.ifPresent(x -> out.put("patient", new JsonObject()
            .put("name", full && station.kind() != io.vaxflow.flow.StationKind.DOOR ? x.name() : mask(x.name()))
            .put("dose", x.dose()).put("category", x.category())
            .put("sameIdAs", x.sameIdAs().isEmpty() ? null : x.sameIdAs())));
        return out;
      }));
    }).onSuccess(out -> json(ctx, 200, out)).onFailure(ctx::fail);
  }

  /** "张三丰" → "张**", "Li Wei" → "L* W**": enough to greet, not to identify. */
  static String mask(String name) {
    StringBuilder b = new StringBuilder();
    boolean start = true;
    for (int cp : name.codePoints().toArray()) {
      if (cp == ' ') {
        b.append(' ');
        start = true;
      } else {
        b.appendCodePoint(start ? cp : '*');
        start = false;
      }
    }
    return b.toString();
  }

  private void heartbeat(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StationId station = station(ctx, flow);
    StaffAuth.require(ctx, flow.site().id(), station.kind().role());
    flow.heartbeat(station).onSuccess(v -> json(ctx, 200, new JsonObject().put("station", station.id())))
        .onFailure(ctx::fail);
  }

  private void next(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StationId station = station(ctx, flow);
    StaffAccount staff = StaffAuth.require(ctx, flow.site().id(), station.kind().role());
    flow.callNext(station, staff.id()).onSuccess(r -> {
      if (r.ticket().isEmpty()) ctx.response().setStatusCode(204).end();
      else stationReply(ctx, r);
    }).onFailure(ctx::fail);
  }

  private void stationAction(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StationAction action = StationAction.of(ctx.pathParam("action"))
        .orElseThrow(() -> new Rejection("NOT_FOUND", "There is no such station action."));
    StationId station = station(ctx, flow);
    StaffAccount staff = StaffAuth.require(ctx, flow.site().id(), station.kind().role());
    flow.act(station, action, staff.id()).onSuccess(r -> stationReply(ctx, r)).onFailure(ctx::fail);
  }

  private void transfer(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StationId station = station(ctx, flow);
    StaffAccount staff = StaffAuth.require(ctx, flow.site().id(), station.kind().role());
    String to = Input.text(Input.body(ctx), "to", 32, null);
    if (!to.equals("room") && !to.equals("vaccination") && StationId.parse(to, flow.site()).isEmpty()) {
      throw Rejection.invalid("to", "to must be a station of this site, \"room\" or \"vaccination\".");
    }
    flow.transfer(station, to, staff.id()).onSuccess(r -> stationReply(ctx, r)).onFailure(ctx::fail);
  }

  private void doorScan(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StaffAccount staff = StaffAuth.require(ctx, flow.site().id(), Role.DOOR);
    String number = Input.text(Input.body(ctx), "number", 8, Input.TICKET);
    flow.doorScan(number.toUpperCase(Locale.ROOT), staff.id())
        .onSuccess(t -> json(ctx, 200, new JsonObject().put("ticket", views.ticket(t)))).onFailure(ctx::fail);
  }

  private void reinstate(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StaffAccount staff = StaffAuth.require(ctx, flow.site().id(), Role.DOOR, Role.DESK, Role.VACCINATOR);
    flow.reinstate(number(ctx), staff.id())
        .onSuccess(t -> json(ctx, 200, new JsonObject().put("ticket", views.ticket(t)))).onFailure(ctx::fail);
  }

  private void settings(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StaffAccount staff = StaffAuth.require(ctx, flow.site().id(), Role.MANAGER);
    JsonObject b = Input.body(ctx);
    Map<String, Integer> changes = new LinkedHashMap<>();
    for (String k : b.fieldNames()) {
      if (!k.equals("hallCapacity") && !k.equals("roomCapacity")) throw Rejection.invalid(k, "Unknown setting " + k.substring(0, Math.min(k.length(), 32)) + ".");
    }
    if (b.containsKey("hallCapacity")) changes.put("hallCapacity", Input.integer(b, "hallCapacity", 1, 100_000));
    if (b.containsKey("roomCapacity")) changes.put("roomCapacity", Input.integer(b, "roomCapacity", 1, 10_000));
    if (changes.isEmpty()) throw Rejection.invalid("body", "Give hallCapacity or roomCapacity.");
    flow.changeCapacities(changes, staff.id())
        .onSuccess(c -> json(ctx, 200, new JsonObject().put("capacities",
            new JsonObject().put("hall", c.hallCapacity()).put("room", c.roomCapacity())).put("counts", views.counts(c))))
        .onFailure(ctx::fail);
  }

  private void metrics(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StaffAuth.require(ctx, flow.site().id(), Role.MANAGER);
    siteMetrics.report(flow).onSuccess(r -> json(ctx, 200, monitorViews.report(r, flow.site()))).onFailure(ctx::fail);
  }

  /** The city operator's overview: every site's load, and where bookings are going and why. */
  private void city(RoutingContext ctx) {
    city.report().onSuccess(r -> json(ctx, 200, monitorViews.city(r, Lang.of(ctx)))).onFailure(ctx::fail);
  }

  private void eventsCsv(RoutingContext ctx) {
    SiteFlow flow = flow(ctx);
    StaffAuth.require(ctx, flow.site().id(), Role.MANAGER);
    String dayParam = ctx.request().getParam("day");
    LocalDate day;
    try {
      day = dayParam == null ? flow.today() : LocalDate.parse(dayParam);
    } catch (DateTimeParseException e) {
      throw Rejection.invalid("day", "day must be a date like 2026-11-24.");
    }
    events.day(flow.site().id(), day.toString(), Optional.empty(), 500_000).onSuccess(entries -> {
      StringBuilder csv = new StringBuilder("eventId,at,type,number,from,to,station,by,details\n");
      for (EventStream.Entry e : entries) {
        StringBuilder details = new StringBuilder();
        e.fields().forEach((k, v) -> {
          if (!List.of("type", "day", "at", "by", "number", "from", "to", "station").contains(k)) {
            details.append(details.length() == 0 ? "" : ";").append(k).append('=').append(v);
          }
        });
        csv.append(e.id()).append(',')
            .append(views.time(Instant.ofEpochMilli(Long.parseLong(e.get("at"))))).append(',')
            .append(cell(e.get("type"))).append(',').append(cell(e.get("number"))).append(',')
            .append(cell(e.get("from"))).append(',').append(cell(e.get("to"))).append(',')
            .append(cell(e.get("station"))).append(',').append(cell(e.get("by"))).append(',')
            .append(cell(details.toString())).append('\n');
      }
      ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + flow.site().id() + "-" + day + ".csv\"")
          .end(csv.toString());
    }).onFailure(ctx::fail);
  }

  /** A CSV cell, quoted when needed; a leading = + - @ is defused so spreadsheets do not run it. */
  private static String cell(String v) {
    String s = v.isEmpty() || "=+-@".indexOf(v.charAt(0)) < 0 ? v : "'" + v;
    return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }

  // ---- helpers ----

  private void stationReply(RoutingContext ctx, StationResult r) {
    JsonObject out = new JsonObject().put("station", views.station(r.station()));
    r.ticket().ifPresent(t -> out.put("ticket", views.ticket(t)));
    json(ctx, 200, out);
  }

  private SiteFlow flow(RoutingContext ctx) {
    SiteFlow f = flows.get(ctx.pathParam("site"));
    if (f == null) throw new Rejection("UNKNOWN_SITE", "There is no such site.", new JsonObject().put("field", "site"));
    return f;
  }

  private static StationId station(RoutingContext ctx, SiteFlow flow) {
    return StationId.parse(ctx.pathParam("station"), flow.site())
        .orElseThrow(() -> new Rejection("UNKNOWN_STATION", "This site has no such station.", new JsonObject().put("field", "station")));
  }

  private static String number(RoutingContext ctx) {
    String n = ctx.pathParam("number").toUpperCase(Locale.ROOT);
    return Input.param(n, Input.TICKET, new Rejection("UNKNOWN_TICKET", "There is no ticket with that number today.",
        new JsonObject().put("field", "number")));
  }

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }
}
