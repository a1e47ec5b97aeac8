package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.gateway.TicketLinks;
import io.vaxflow.view.Views;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * What a ticket's phone asks (its page is {@code /t/{site}/{number}?k=}, {@link Pages}): the
 * ticket's public view, for whoever holds its link ({@link TicketLinks}); with any other key the
 * answer is the one a number that does not exist gets.
 */
final class PhoneRoutes {

  private final TicketLinks links;
  private final Views views;
  private final VaxflowConfig config;
  private final RateLimiter limiter;

  PhoneRoutes(TicketLinks links, Views views, VaxflowConfig config, RateLimiter limiter) {
    this.links = links;
    this.views = views;
    this.config = config;
    this.limiter = limiter;
  }

  void mount(Routes routes) {
    routes.get("/api/v1/sites/:site/tickets/:number/track", Access.anyone(), limiter.per(RouteClass.LOOKUP)).handler(this::track);
  }

  private void track(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    Instant at = flow.now();
    links.open(flow, SiteParams.number(ctx), ctx.request().getParam("k"))
        .onSuccess(t -> json(ctx, 200, views.track(t, config.announce().repeats()).put("at", views.time(at))))
        .onFailure(ctx::fail);
  }
}
