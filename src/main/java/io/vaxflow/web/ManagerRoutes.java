package io.vaxflow.web;

import io.vaxflow.view.Views;
import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteMode;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.monitor.DoseFigures;
import io.vaxflow.monitor.SiteMetrics;
import io.vaxflow.store.EventStream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The site manager's routes: capacities, the day's figures, the day's events as CSV, and the day's
 * switches (walk-ins stopped for a while, the site closed early). Stations are paused and resumed,
 * and no-shows reinstated, on the staff routes, which a manager passes.
 *
 * <p>{@code exports}: the turns this server's events.csv exports take (one page at a time for all of them).
 */
record ManagerRoutes(Views views, MonitorViews monitorViews, SiteMetrics siteMetrics, EventStream events, DoseFigures doses,
    EventsCsv.Turns exports) {

  void mount(Routes routes) {
    routes.get("/api/v1/sites/:site/metrics", Access.manager()).handler(this::metrics);
    routes.get("/api/v1/sites/:site/events.csv", Access.manager()).handler(this::eventsCsv);
    Routes acts = routes.actingByScript();
    acts.put("/api/v1/sites/:site/settings", Access.manager()).handler(this::settings);
    acts.post("/api/v1/sites/:site/walk-ins", Access.manager()).handler(this::walkIns);
    acts.post("/api/v1/sites/:site/close-early", Access.manager()).handler(this::closeEarly);
  }

  /** The body of POST /walk-ins: {@code allow} true takes them again, false stops them for {@code minutes} (1–1440, default 60). */
  record WalkIns(boolean allow, int minutes) {
    static WalkIns of(JsonObject b) {
      boolean allow = b.getBoolean("allow");
      if (allow && b.containsKey("minutes")) throw Rejection.invalid("minutes", "minutes goes with allow: false only.");
      return new WalkIns(allow, Input.integer(b, "minutes").orElse(60));
    }
  }

  private void walkIns(RoutingContext ctx) {
    WalkIns w = WalkIns.of(Input.body(ctx));
    SiteFlow flow = SiteParams.flow(ctx);
    if (!flow.site().walkIns()) throw new Rejection(ErrorCode.WALK_IN_NOT_ALLOWED, "This site takes appointments only: it has no walk-ins to stop.");
    Optional<java.time.Instant> until = w.allow() ? Optional.empty() : Optional.of(flow.now().plusSeconds(w.minutes() * 60L));
    SiteMode.stopWalkIns(flow, until, StaffAuth.actor(ctx)).onSuccess(m -> json(ctx, 200, mode(m))).onFailure(ctx::fail);
  }

  /** The body of POST /close-early: {@code closed} true closes the site for the rest of today, false reopens it. */
  private void closeEarly(RoutingContext ctx) {
    boolean closed = Input.body(ctx).getBoolean("closed");
    SiteMode.closeToday(SiteParams.flow(ctx), closed, StaffAuth.actor(ctx)).onSuccess(m -> json(ctx, 200, mode(m))).onFailure(ctx::fail);
  }

  private JsonObject mode(SiteMode m) {
    return new JsonObject().put("walkInsStoppedUntil", m.walkInsStoppedUntil().map(views::time).orElse(null))
        .put("closedToday", m.closedToday());
  }

  /** The body of PUT /settings: the capacities to change, by name ("hallCapacity", "roomCapacity"; at least one). */
  record Settings(Map<String, Integer> changes) {
    static Settings of(JsonObject b) {
      Map<String, Integer> changes = new LinkedHashMap<>();
      for (String k : b.fieldNames()) changes.put(k, b.getInteger(k));
      return new Settings(changes);
    }
  }

  private void settings(RoutingContext ctx) {
    Settings s = Settings.of(Input.body(ctx));
    SiteParams.flow(ctx).changeCapacities(s.changes(), StaffAuth.actor(ctx))
        .onSuccess(c -> json(ctx, 200, new JsonObject().put("capacities",
            new JsonObject().put("hall", c.hallCapacity()).put("room", c.roomCapacity())).put("counts", views.counts(c))))
        .onFailure(ctx::fail);
  }

  private void metrics(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    Future<SiteMode> mode = SiteMode.of(flow);
    Future<DoseFigures.Day> day = doses.of(flow);
    siteMetrics.report(flow).compose(r -> mode.map(m -> monitorViews.report(r, flow.site()).put("siteMode", mode(m)
        .put("walkIns", flow.site().walkIns()))))
        .compose(out -> day.map(d -> out.put("doses", monitorViews.doses(d, flow.now()))))
        .onSuccess(out -> json(ctx, 200, out)).onFailure(ctx::fail);
  }

  private void eventsCsv(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    String dayParam = ctx.request().getParam("day");
    LocalDate day = dayParam == null ? flow.today() : LocalDate.parse(dayParam);
    EventsCsv.send(ctx, events, views, exports, flow.site().id(), day.toString());
  }
}
