package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.Access;
import io.vaxflow.plan.Planner;
import io.vaxflow.plan.SitePlans;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The manager's capacity planner: {@code GET /plan} plans today from its bookings and walk-ins
 * (those seen today, {@link SitePlans#arrivals}, or {@code ?walkInsPerHour=}), {@code POST /plan}
 * an arrival curve the manager enters. Both take
 * the service times, staffing and target as overrides (query or body); the answer is the plan hour
 * by hour ({@link Planner}).
 */
record PlanRoutes(SitePlans plans) {

  private static final String PATH = "/api/v1/sites/:site/plan";

  void mount(Routes routes) {
    routes.get(PATH, Access.manager()).handler(this::planBookings);
    routes.post(PATH, Access.manager()).handler(this::planEntered);
  }

  /** The body of POST /plan: people arriving in each opening hour (as many as the site's opening hours), and overrides. */
  record Entered(List<Double> arrivals, SitePlans.Overrides overrides) {
    static Entered of(JsonObject b, SiteConfig site) {
      int hours = SitePlans.hours(site);
      JsonArray a = b.getJsonArray("arrivals");
      if (a.size() != hours) {
        throw Rejection.invalid("arrivals", "arrivals must be a list of " + hours + " numbers: people arriving in each opening hour from "
            + site.hours().openText() + ".");
      }
      List<Double> arrivals = new ArrayList<>();
      for (Object v : a) arrivals.add(((Number) v).doubleValue());
      return new Entered(arrivals, PlanRoutes.overrides(b));
    }
  }

  /** The overrides of a plan, from the body of POST /plan or the query of GET /plan (typed by the contract). */
  static SitePlans.Overrides overrides(JsonObject o) {
    return new SitePlans.Overrides(Input.number(o, "deskServiceMin"), Input.number(o, "boothServiceMin"),
        Input.number(o, "deskCv"), Input.number(o, "boothCv"), Input.integer(o, "desks"), Input.integer(o, "booths"),
        Input.integer(o, "targetWaitMin"));
  }

  private void planBookings(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    JsonObject q = RequestCheck.query(ctx);
    Optional<Double> walkIns = Input.number(q, "walkInsPerHour");
    SitePlans.Overrides o = overrides(q);
    plans.arrivals(flow.site(), flow.today(), flow.now(), walkIns)
        .compose(a -> plan(ctx, flow, a.perHour(), o, "bookings").map(view -> {
          JsonArray hours = view.getJsonArray("hours");
          for (int i = 0; i < hours.size(); i++) hours.getJsonObject(i).put("walkIns", r(a.walkIns().get(i)));
          return view.put("walkIns", new JsonObject().put("source", a.source().name().toLowerCase(java.util.Locale.ROOT))
              .put("perHour", r(a.walkInsPerHour())));
        }))
        .onSuccess(view -> json(ctx, 200, view))
        .onFailure(ctx::fail);
  }

  private void planEntered(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    Entered e = Entered.of(Input.body(ctx), flow.site());
    plan(ctx, flow, e.arrivals(), e.overrides(), "entered").onSuccess(view -> json(ctx, 200, view)).onFailure(ctx::fail);
  }

  private Future<JsonObject> plan(RoutingContext ctx, SiteFlow flow, List<Double> arrivals, SitePlans.Overrides o, String source) {
    // a few milliseconds to a few hundred for a big site: off the event loop
    return plans.observed(flow.site())
        .compose(seen -> ctx.vertx().executeBlocking(() -> plans.plan(flow.site(), arrivals, o, seen))
            .map(p -> view(p, flow, source).put("serviceObserved", new JsonObject()
                .put("desk", seen.desk().isPresent()).put("booth", seen.booth().isPresent()))));
  }

  static JsonObject view(Planner.Plan p, SiteFlow flow, String source) {
    JsonArray hours = new JsonArray();
    for (Planner.Hour h : p.hours()) {
      hours.add(load(h.planned()).put("hour", hm(h.startMinute())).put("arrivals", r(h.arrivals()))
          .put("desksNeeded", h.desksNeeded()).put("boothsNeeded", h.boothsNeeded())
          .put("minusOneDesk", h.minusOneDesk().map(PlanRoutes::load).orElse(null))
          .put("minusOneBooth", h.minusOneBooth().map(PlanRoutes::load).orElse(null)));
    }
    return new JsonObject().put("siteId", flow.site().id()).put("day", flow.today().toString()).put("source", source)
        .put("targetWaitMin", p.day().targetWaitMin()).put("desks", p.day().desks()).put("booths", p.day().booths())
        .put("service", new JsonObject().put("deskMin", p.day().desk().meanMin()).put("deskCv", p.day().desk().cv())
            .put("boothMin", p.day().booth().meanMin()).put("boothCv", p.day().booth().cv()))
        .put("clearMin", r(p.clearMin()))
        .put("minusOneDeskClearMin", p.minusOneDeskClearMin().map(PlanRoutes::r).orElse(null))
        .put("minusOneBoothClearMin", p.minusOneBoothClearMin().map(PlanRoutes::r).orElse(null))
        .put("hours", hours);
  }

  private static JsonObject load(Planner.Load l) {
    return new JsonObject().put("waitMin", r(l.waitMin())).put("deskWaitMin", r(l.deskWaitMin()))
        .put("boothWaitMin", r(l.boothWaitMin())).put("deskQueue", r(l.deskQueue())).put("boothQueue", r(l.boothQueue()))
        .put("deskUtilisation", Math.round(l.deskUtilisation() * 100) / 100.0)
        .put("boothUtilisation", Math.round(l.boothUtilisation() * 100) / 100.0).put("bottleneck", l.bottleneck());
  }

  private static double r(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String hm(int minute) {
    return String.format("%02d:%02d", (minute / 60) % 24, minute % 60);
  }
}
