package io.vaxflow.web;

import io.vaxflow.view.Views;
import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.view.Call;
import io.vaxflow.view.CallText;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.dispatch.Dispatcher;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.monitor.CityOverview;
import io.vaxflow.store.EventStream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What anyone may ask: the sites and their load, a site's state, its calls, a ticket, the city overview (booking: {@link BookingRoutes}). */
record PublicRoutes(VaxflowConfig config, Map<String, SiteFlow> flows, Dispatcher dispatcher, EventStream events,
    RateLimiter limiter, CityOverview city, Views views, MonitorViews monitorViews) {

  /** /calls answers at most the latest this many (the contract's siteCalls). */
  private static final int MAX_CALLS = 500;

  void mount(Routes routes) {
    routes.get("/api/v1/sites", Access.anyone()).handler(this::sites);
    routes.get("/api/v1/sites/:site/state", Access.anyone()).handler(this::state);
    routes.get("/api/v1/sites/:site/calls", Access.anyone(), limiter.per(RouteClass.LOOKUP)).handler(this::calls);
    routes.get("/api/v1/sites/:site/tickets/:number", Access.anyone(), limiter.per(RouteClass.LOOKUP)).handler(this::ticket);
    routes.get("/api/v1/city", Access.anyone(), limiter.per(RouteClass.LOOKUP)).handler(this::city);
  }

  private void sites(RoutingContext ctx) {
    String lang = Lang.of(ctx);
    List<Future<JsonObject>> each = new ArrayList<>();
    for (SiteConfig s : config.sites()) {
      SiteFlow flow = flows.get(s.id());
      each.add(flow.snapshot(0).map(snap -> new JsonObject()
          .put("id", s.id()).put("name", s.name(lang)).put("names", Views.i18n(s.name()))
          .put("address", s.address(lang)).put("lat", s.lat()).put("lon", s.lon())
          .put("open", snap.open(s.hours())).put("walkIns", s.walkIns())
          .put("load", new JsonObject().put("waiting", snap.counts().waiting()).put("predictedWaitMin", snap.predictedWaitMin()))));
    }
    Future.all(each).onSuccess(all -> {
      JsonArray out = new JsonArray();
      each.forEach(f -> out.add(f.result()));
      json(ctx, 200, out);
    }).onFailure(ctx::fail);
  }

  private void state(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    flow.snapshot(10).onSuccess(s -> json(ctx, 200, views.snapshot(s, flow.site()))).onFailure(ctx::fail);
  }

  private void calls(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    Optional<String> after = Optional.ofNullable(ctx.request().getParam("after"));
    events.calls(flow.site().id(), flow.today().toString(), after, MAX_CALLS).onSuccess(entries -> {
      JsonArray out = new JsonArray();
      for (EventStream.Entry e : entries) {
        Call c = CallText.call(e.id(), flow.site().id(), e.get("number"), e.get("toKind"), e.get("toId"),
            Instant.ofEpochMilli(Long.parseLong(e.get("at"))), e.get("batch"), config.announce().repeats(),
            "1".equals(e.get("back")));
        out.add(views.call(c));
      }
      json(ctx, 200, out);
    }).onFailure(ctx::fail);
  }

  private void ticket(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    String number = SiteParams.number(ctx);
    flow.ticket(number).onSuccess(t -> json(ctx, 200, views.ticket(t))).onFailure(ctx::fail);
  }

  /** The city operator's overview: every site's load, and where bookings are going and why. */
  private void city(RoutingContext ctx) {
    city.report().onSuccess(r -> {
      // the sites other servers run: which server, and whether it answers
      JsonArray remote = new JsonArray();
      dispatcher.remotes().forEach(s -> remote.add(s.view(Lang.of(ctx))));
      json(ctx, 200, monitorViews.city(r, Lang.of(ctx)).put("remoteSites", remote));
    }).onFailure(ctx::fail);
  }
}
