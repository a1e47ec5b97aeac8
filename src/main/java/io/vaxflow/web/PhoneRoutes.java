package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.Ticket;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.gateway.TicketLinks;
import io.vaxflow.view.Views;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * What a ticket's phone asks (its page is {@code /t/{site}/{number}?k=}, {@link Pages}), for whoever
 * holds the ticket's link ({@link TicketLinks}): the ticket's public view ({@code track}), and waiting
 * away from the hall: {@code away} gives up the hall seat and keeps the place in the queue,
 * {@code back} takes a seat again before the call back. Each answers with the public view; with any
 * other key the answer is the one a number that does not exist gets.
 */
record PhoneRoutes(TicketLinks links, Views views, VaxflowConfig config, RateLimiter limiter) {

  void mount(Routes routes) {
    routes.get("/api/v1/sites/:site/tickets/:number/track", Access.anyone(), limiter.per(RouteClass.LOOKUP)).handler(this::track);
    routes.post("/api/v1/sites/:site/tickets/:number/away", Access.anyone(), limiter.per(RouteClass.LOOKUP))
        .handler(ctx -> act(ctx, SiteFlow::away));
    routes.post("/api/v1/sites/:site/tickets/:number/back", Access.anyone(), limiter.per(RouteClass.LOOKUP))
        .handler(ctx -> act(ctx, SiteFlow::back));
  }

  private void track(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    Instant at = flow.now();
    links.open(flow, SiteParams.number(ctx), ctx.request().getParam("k"))
        .onSuccess(t -> json(ctx, 200, view(t, at)))
        .onFailure(ctx::fail);
  }

  /** The person's action on the ticket of {@code k}'s day, once {@code k} is its key; the ticket's view then. */
  private void act(RoutingContext ctx, Action action) {
    SiteFlow flow = SiteParams.flow(ctx);
    String number = SiteParams.number(ctx);
    Instant at = flow.now();
    links.admit(flow, number, ctx.request().getParam("k"))
        .compose(day -> day.isPresent() ? action.on(flow, number, day.get()) : Future.failedFuture(TicketLinks.unknown()))
        .onSuccess(t -> json(ctx, 200, view(t, at)))
        .onFailure(ctx::fail);
  }

  private io.vertx.core.json.JsonObject view(Ticket t, Instant at) {
    return views.track(t, config.announce().repeats()).put("at", views.time(at));
  }

  @FunctionalInterface
  private interface Action {
    Future<Ticket> on(SiteFlow flow, String number, String day);
  }
}
