package io.vaxflow.web;

import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.flow.Rejection;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.Device;
import io.vaxflow.gateway.DeviceRole;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.view.Views;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A site's devices (gateway/Devices): its manager lists them, makes one-time codes that enrol one and revokes them;
 * a device redeems its code here and gets its credential as the {@code vf_device} cookie.
 */
record DeviceRoutes(Devices devices, RateLimiter limiter, Views views) {

  void mount(Routes routes) {
    routes.get("/api/v1/sites/:site/devices", Access.manager()).handler(this::list);
    Routes acts = routes.actingByScript();
    acts.post("/api/v1/sites/:site/devices/codes", Access.manager()).handler(this::code);
    acts.post("/api/v1/sites/:site/devices/:device/revoke", Access.manager()).handler(this::revoke);
    // the code is the key; guessing one is as limited as guessing a PIN
    routes.post("/api/v1/sites/:site/devices/enrol", Access.anyone(), limiter.per(RouteClass.LOGIN)).handler(this::enrol);
  }

  private void list(RoutingContext ctx) {
    devices.list(SiteParams.flow(ctx).site().id()).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(d -> out.add(device(d)));
      json(ctx, 200, new JsonObject().put("devices", out));
    }).onFailure(ctx::fail);
  }

  /** The body of POST /devices/codes: the role (kiosk, hall, tablet) and, if given, the device's name. */
  private void code(RoutingContext ctx) {
    JsonObject b = Input.body(ctx);
    DeviceRole role = DeviceRole.of(b.getString("role")).orElseThrow(() -> Rejection.invalid("role", "role must be kiosk, hall or tablet."));
    String site = SiteParams.flow(ctx).site().id();
    devices.code(site, role, Input.optionalText(b, "name"), StaffAuth.actor(ctx)).onSuccess(c -> json(ctx, 201, new JsonObject()
            .put("code", c.code()).put("role", c.role().wire()).put("name", c.name()).put("expiresAt", views.time(c.expiresAt()))
            .put("enrolPath", "/sites/" + site + "/enrol?code=" + c.code())))
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("device");
    devices.revoke(SiteParams.flow(ctx).site().id(), id, StaffAuth.actor(ctx))
        .onSuccess(v -> json(ctx, 200, new JsonObject().put("revoked", id))).onFailure(ctx::fail);
  }

  /** A device redeems its code: its record, the page it is for, and its credential as a cookie. */
  private void enrol(RoutingContext ctx) {
    String site = SiteParams.flow(ctx).site().id();
    devices.enrol(site, Input.text(Input.body(ctx), "code"), java.util.Optional.empty()).onSuccess(e -> {
      ctx.response().addCookie(Devices.cookie(ctx, e.credential()));
      json(ctx, 201, new JsonObject().put("device", device(e.device()))
          .put("page", "/sites/" + site + "/" + page(e.device().role())));
    }).onFailure(ctx::fail);
  }

  private JsonObject device(Device d) {
    return new JsonObject().put("id", d.id()).put("role", d.role().wire()).put("name", d.name())
        .put("enrolledAt", views.time(d.enrolledAt())).put("enrolledBy", d.enrolledBy()).put("lastSeen", views.time(d.lastSeen()));
  }

  /** The page a device of that role shows. */
  static String page(DeviceRole role) {
    return switch (role) {
      case KIOSK -> "kiosk";
      case HALL -> "hall";
      case TABLET -> "staff";
    };
  }
}
