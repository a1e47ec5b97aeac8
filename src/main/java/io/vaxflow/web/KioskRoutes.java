package io.vaxflow.web;

import io.vaxflow.view.Views;
import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.checkin.Checkin;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Ticket;
import io.vaxflow.gateway.TicketLinks;
import io.vaxflow.flow.Rejection;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.DeviceRole;
import io.vaxflow.gateway.Devices;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The kiosk's one route: checking in with a voucher, or as a walk-in, at one of the site's enrolled
 * kiosks. The ticket carries its phone link ({@code trackUrl}, {@link TicketLinks}), which the kiosk
 * prints as its QR code.
 */
record KioskRoutes(Checkin checkin, Views views, TicketLinks links, VaxflowConfig config) {

  void mount(Routes routes) {
    routes.post("/api/v1/sites/:site/checkins", Access.device(DeviceRole.KIOSK)).handler(this::checkIn);
  }

  /**
   * The body as a check-in request: {"voucher": ...} or {"walkIn": {name, idNumber, dose}} (the
   * contract's CheckinRequest); not both, which the schema does not say.
   */
  static Checkin.Request request(JsonObject b, java.time.LocalDate today) {
    if (!b.containsKey("walkIn")) return new Checkin.WithVoucher(Input.text(b, "voucher"));
    if (b.containsKey("voucher")) throw Rejection.invalid("voucher", "Give a voucher or a walk-in, not both.");
    JsonObject w = b.getJsonObject("walkIn");
    io.vaxflow.security.IdDocument type = Input.idDocument(w, today); // a walk-in's ID number is checked as a booking's is
    return new Checkin.WalkIn(Input.text(w, "name"), type, io.vaxflow.security.IdDocument.normalize(Input.text(w, "idNumber")),
        w.getInteger("dose"));
  }

  private void checkIn(RoutingContext ctx) {
    Optional<String> key = Optional.ofNullable(ctx.request().getHeader("Idempotency-Key"));
    Checkin.Request request = request(Input.body(ctx), SiteParams.flow(ctx).today());
    checkin.checkIn(SiteParams.flow(ctx), request, key, Devices.of(ctx))
        .onSuccess(r -> json(ctx, r.replay() ? 200 : 201, new JsonObject().put("ticket", views.ticket(r.ticket())
            .put("trackUrl", trackUrl(ctx, r.ticket())))))
        .onFailure(ctx::fail);
  }

  /** The ticket's phone link at the public URL (unset: this server's local origin, at the port asked). */
  private String trackUrl(RoutingContext ctx, Ticket t) {
    String origin = config.http().publicOrigin(ctx.request().localAddress().port());
    return links.link(origin, t.siteId(), t.day(), t.number());
  }
}
