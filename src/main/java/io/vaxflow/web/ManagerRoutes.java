package io.vaxflow.web;

import io.vaxflow.view.Views;
import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.monitor.SiteMetrics;
import io.vaxflow.store.EventStream;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The site manager's routes: capacities, the day's figures, the day's events as CSV. */
final class ManagerRoutes {

  private final Views views;
  private final MonitorViews monitorViews;
  private final SiteMetrics siteMetrics;
  private final EventStream events;

  ManagerRoutes(Views views, MonitorViews monitorViews, SiteMetrics siteMetrics, EventStream events) {
    this.views = views;
    this.monitorViews = monitorViews;
    this.siteMetrics = siteMetrics;
    this.events = events;
  }

  void mount(Routes routes) {
    routes.put("/api/v1/sites/:site/settings", Access.manager()).handler(this::settings);
    routes.get("/api/v1/sites/:site/metrics", Access.manager()).handler(this::metrics);
    routes.get("/api/v1/sites/:site/events.csv", Access.manager()).handler(this::eventsCsv);
  }

  /** The body of PUT /settings: the capacities to change, by name ("hallCapacity", "roomCapacity"). */
  record Settings(Map<String, Integer> changes) {
    static Settings of(JsonObject b) {
      Map<String, Integer> changes = new LinkedHashMap<>();
      for (String k : b.fieldNames()) {
        if (!k.equals("hallCapacity") && !k.equals("roomCapacity")) throw Rejection.invalid(k, "Unknown setting " + k.substring(0, Math.min(k.length(), 32)) + ".");
      }
      if (b.containsKey("hallCapacity")) changes.put("hallCapacity", Input.integer(b, "hallCapacity", 1, 100_000));
      if (b.containsKey("roomCapacity")) changes.put("roomCapacity", Input.integer(b, "roomCapacity", 1, 10_000));
      if (changes.isEmpty()) throw Rejection.invalid("body", "Give hallCapacity or roomCapacity.");
      return new Settings(changes);
    }
  }

  private void settings(RoutingContext ctx) {
    Settings s = Settings.of(Input.body(ctx));
    SiteParams.flow(ctx).changeCapacities(s.changes(), StaffAuth.current(ctx).id())
        .onSuccess(c -> json(ctx, 200, new JsonObject().put("capacities",
            new JsonObject().put("hall", c.hallCapacity()).put("room", c.roomCapacity())).put("counts", views.counts(c))))
        .onFailure(ctx::fail);
  }

  private void metrics(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    siteMetrics.report(flow).onSuccess(r -> json(ctx, 200, monitorViews.report(r, flow.site()))).onFailure(ctx::fail);
  }

  private void eventsCsv(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    String dayParam = ctx.request().getParam("day");
    LocalDate day;
    try {
      day = dayParam == null ? flow.today() : LocalDate.parse(dayParam);
    } catch (DateTimeParseException e) {
      throw Rejection.invalid("day", "day must be a date like 2026-11-24.");
    }
    events.day(flow.site().id(), day.toString(), Optional.empty(), 500_000).onSuccess(entries ->
        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"" + flow.site().id() + "-" + day + ".csv\"")
            .end(EventsCsv.of(entries, views))).onFailure(ctx::fail);
  }
}
