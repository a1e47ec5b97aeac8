package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.Ticket;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.security.TrackToken;
import io.vaxflow.view.Views;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Waiting away from the hall, from the person's own phone: {@code away} gives up the hall seat and
 * keeps the place in the queue, {@code back} takes a seat again before the call back. Each needs the
 * ticket's track token {@code k} (security/TrackToken): a wrong or missing one is {@code 404
 * UNKNOWN_TICKET}, exactly as a number that does not exist.
 */
final class AwayRoutes {

  private final TrackToken tokens;
  private final RateLimiter limiter;
  private final Views views;

  AwayRoutes(TrackToken tokens, RateLimiter limiter, Views views) {
    this.tokens = tokens;
    this.limiter = limiter;
    this.views = views;
  }

  void mount(Routes routes) {
    routes.post("/api/v1/sites/:site/tickets/:number/away", Access.anyone(), limiter.per(RouteClass.LOOKUP))
        .handler(ctx -> act(ctx, SiteFlow::away));
    routes.post("/api/v1/sites/:site/tickets/:number/back", Access.anyone(), limiter.per(RouteClass.LOOKUP))
        .handler(ctx -> act(ctx, SiteFlow::back));
  }

  /** The action on the ticket of {@code k}'s day, once {@code k} is its token; the ticket as it is then. */
  private void act(RoutingContext ctx, Action action) {
    SiteFlow flow = SiteParams.flow(ctx);
    String number = SiteParams.number(ctx);
    String k = ctx.request().getParam("k");
    flow.liveDay(number)
        .compose(day -> day.isPresent() && tokens.matches(flow.site().id(), day.get(), number, k)
            ? action.on(flow, number, day.get())
            : Future.failedFuture(new Rejection(ErrorCode.UNKNOWN_TICKET, new JsonObject().put("field", "number"))))
        .onSuccess(t -> json(ctx, 200, views.ticket(t)))
        .onFailure(ctx::fail);
  }

  @FunctionalInterface
  private interface Action {
    Future<Ticket> on(SiteFlow flow, String number, String day);
  }
}
