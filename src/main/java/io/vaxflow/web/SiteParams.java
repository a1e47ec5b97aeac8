package io.vaxflow.web;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StationId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;

/**
 * The path parameters of the API: {@code :site} (404 UNKNOWN_SITE) and {@code :station} (404
 * UNKNOWN_STATION) are checked before a route's access rule and kept on the context for its handler;
 * {@code :number} is read by the handler ({@link #number}) once the contract has checked its form.
 */
final class SiteParams {

  private static final String FLOW = "vf.flow";
  private static final String STATION = "vf.station";

  private final Map<String, SiteFlow> flows;

  SiteParams(Map<String, SiteFlow> flows) {
    this.flows = flows;
  }

  void check(RoutingContext ctx) {
    String site = ctx.pathParam("site");
    if (site != null) {
      SiteFlow f = flows.get(site);
      if (f == null) throw new Rejection(ErrorCode.UNKNOWN_SITE, new JsonObject().put("field", "site"));
      ctx.put(FLOW, f);
      if (ctx.pathParam("station") != null) {
        ctx.put(STATION, StationId.parse(ctx.pathParam("station"), f.site())
            .orElseThrow(() -> new Rejection(ErrorCode.UNKNOWN_STATION, new JsonObject().put("field", "station"))));
      }
    }
    ctx.next();
  }

  static SiteFlow flow(RoutingContext ctx) {
    return ctx.get(FLOW);
  }

  static StationId station(RoutingContext ctx) {
    return ctx.get(STATION);
  }

  /** The ticket number of the path, in capitals (its form the contract checked: a malformed one is 404 UNKNOWN_TICKET). */
  static String number(RoutingContext ctx) {
    return ctx.pathParam("number").toUpperCase(Locale.ROOT);
  }

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }
}
