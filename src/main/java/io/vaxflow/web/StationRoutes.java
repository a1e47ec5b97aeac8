package io.vaxflow.web;

import io.vaxflow.view.Views;
import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.StaffAccount.Role;
import io.vaxflow.flow.Rejection;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StationAction;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.StationResult;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.StaffAuth;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The staff tablet's routes: the site's stations, working one (call, act, transfer), the door's scan, reinstating a no-show. */
record StationRoutes(Views views) {

  private static final String STATION = "/api/v1/sites/:site/stations/:station";

  void mount(Routes routes) {
    routes.get("/api/v1/sites/:site/stations", Access.siteStaff()).handler(this::stations);
    routes.get(STATION, Access.siteStaff()).handler(this::stationDetail);
    routes.post(STATION + "/heartbeat", Access.stationKind()).handler(this::heartbeat);
    Routes acts = routes.actingByScript();
    // one route per station action, from its table
    for (StationAction action : StationAction.values()) {
      acts.post(STATION + "/" + action.path(), Access.stationKind()).handler(ctx -> act(ctx, action));
    }
    acts.post("/api/v1/sites/:site/door/scan", Access.anyOf(Role.DOOR)).handler(this::doorScan);
    acts.post("/api/v1/sites/:site/tickets/:number/reinstate", Access.stationStaff()).handler(this::reinstate);
  }

  /** The body of a transfer: where the ticket goes ("room", "vaccination" or a station of the site). */
  record Transfer(String to) {
    static Transfer of(RoutingContext ctx, SiteFlow flow) {
      String to = Input.text(Input.body(ctx), "to");
      if (!to.equals("room") && !to.equals("vaccination") && StationId.parse(to, flow.site()).isEmpty()) {
        throw Rejection.invalid("to", "to must be a station of this site, \"room\" or \"vaccination\".");
      }
      return new Transfer(to);
    }
  }

  /** The body of a door scan: the ticket number read off the patient's slip. */
  record Scan(String number) {
    static Scan of(RoutingContext ctx) {
      return new Scan(Input.text(Input.body(ctx), "number"));
    }
  }

  private void stations(RoutingContext ctx) {
    SiteParams.flow(ctx).snapshot(0).onSuccess(s -> {
      JsonArray out = new JsonArray();
      s.stations().forEach(st -> out.add(views.station(st)));
      json(ctx, 200, out);
    }).onFailure(ctx::fail);
  }

  /** The station, its ticket and who the patient is (the name masked where {@link NameMask} says). */
  private void stationDetail(RoutingContext ctx) {
    SiteFlow flow = SiteParams.flow(ctx);
    StationId station = SiteParams.station(ctx);
    StaffAccount staff = StaffAuth.current(ctx);
    flow.snapshot(0).compose(snap -> {
      var st = snap.stations().stream().filter(x -> x.id().equals(station)).findFirst().orElseThrow();
      JsonObject out = new JsonObject().put("station", views.station(st));
      if (st.ticket().isEmpty()) return Future.succeededFuture(out);
      return flow.ticket(st.ticket().get()).compose(t -> flow.patient(t).map(p -> {
        out.put("ticket", views.ticket(t));
        p.ifPresent(x -> out.put("patient", new JsonObject()
            .put("name", NameMask.forStation(x.name(), staff, station.kind()))
            .put("dose", x.dose()).put("category", x.category())
            .put("sameIdAs", x.sameIdAs().isEmpty() ? null : x.sameIdAs())));
        return out;
      }));
    }).onSuccess(out -> json(ctx, 200, out)).onFailure(ctx::fail);
  }

  private void heartbeat(RoutingContext ctx) {
    StationId station = SiteParams.station(ctx);
    SiteParams.flow(ctx).heartbeat(station).onSuccess(v -> json(ctx, 200, new JsonObject().put("station", station.id())))
        .onFailure(ctx::fail);
  }

  /** The station's answer, with its ticket; a call with nobody to call is 204. */
  private void act(RoutingContext ctx, StationAction action) {
    SiteFlow flow = SiteParams.flow(ctx);
    String target = action.takesTarget() ? Transfer.of(ctx, flow).to() : null;
    flow.act(SiteParams.station(ctx), action, target, StaffAuth.actor(ctx)).onSuccess(r -> {
      if (action == StationAction.NEXT && r.ticket().isEmpty()) ctx.response().setStatusCode(204).end();
      else stationReply(ctx, r);
    }).onFailure(ctx::fail);
  }

  private void doorScan(RoutingContext ctx) {
    Scan scan = Scan.of(ctx);
    SiteParams.flow(ctx).doorScan(scan.number(), StaffAuth.actor(ctx))
        .onSuccess(t -> json(ctx, 200, new JsonObject().put("ticket", views.ticket(t)))).onFailure(ctx::fail);
  }

  private void reinstate(RoutingContext ctx) {
    SiteParams.flow(ctx).reinstate(SiteParams.number(ctx), StaffAuth.actor(ctx))
        .onSuccess(t -> json(ctx, 200, new JsonObject().put("ticket", views.ticket(t)))).onFailure(ctx::fail);
  }

  private void stationReply(RoutingContext ctx, StationResult r) {
    JsonObject out = new JsonObject().put("station", views.station(r.station()));
    r.ticket().ifPresent(t -> out.put("ticket", views.ticket(t)));
    r.shot().ifPresent(shot -> {
      JsonObject j = new JsonObject().put("shotId", shot.shotId()).put("product", shot.product()).put("lot", shot.lot())
          .put("dose", shot.dose());
      shot.dosesLeft().ifPresent(n -> j.put("dosesLeft", n));
      out.put("shot", j);
    });
    json(ctx, 200, out);
  }
}
