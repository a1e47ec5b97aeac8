package io.vaxflow.web;

import io.vaxflow.view.Views;
import static io.vaxflow.web.SiteParams.json;

import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.CsrfGuard;
import io.vaxflow.gateway.DeviceRole;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.RateLimiter.RouteClass;
import io.vaxflow.gateway.SecureCookies;
import io.vaxflow.gateway.Sessions;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.gateway.StaffLogin;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Staff sign-in (on one of a site's enrolled tablets): login, logout, and who is signed in with what they may do. */
record AuthRoutes(VaxflowConfig config, StaffLogin staffLogin, RateLimiter limiter, Views views,
    Supplier<List<RouteSpec>> specs) {

  void mount(Routes routes) {
    // only a site's tablet gets as far as the login's rate limit, its guard and the PIN (Access.device)
    routes.post("/api/v1/auth/login", Access.device(DeviceRole.TABLET), limiter.per(RouteClass.LOGIN)).handler(this::login);
    routes.post("/api/v1/auth/logout", Access.anyone()).handler(this::logout);
    routes.get("/api/v1/auth/me", Access.signedIn()).handler(this::me);
  }

  private static StaffLogin.Credentials credentials(RoutingContext ctx) {
    JsonObject b = Input.body(ctx);
    return new StaffLogin.Credentials(Input.text(b, "staffId"), Input.text(b, "pin"));
  }

  private void login(RoutingContext ctx) {
    staffLogin.login(credentials(ctx), Devices.of(ctx)).onSuccess(in -> {
      ctx.response().addCookie(SecureCookies.cookie(ctx, Sessions.COOKIE, in.token(), Sessions.TTL.toSeconds()).setHttpOnly(true));
      String csrf = CsrfGuard.issue(ctx);
      json(ctx, 200, signedIn(in.staff()).put("csrfToken", csrf));
    }).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    staffLogin.logout(Optional.ofNullable(ctx.request().getCookie(Sessions.COOKIE)).map(Cookie::getValue)).onSuccess(v -> {
      ctx.response().addCookie(SecureCookies.cookie(ctx, Sessions.COOKIE, "", 0).setHttpOnly(true));
      json(ctx, 200, new JsonObject().put("loggedOut", true));
    }).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    json(ctx, 200, signedIn(StaffAuth.current(ctx)));
  }

  /** {"staff": {...}, "may": {site: {stations, manage, routes}}}. */
  private JsonObject signedIn(StaffAccount s) {
    return new JsonObject().put("staff", views.staff(s)).put("may", StaffPermissions.of(s, config.sites(), specs.get()));
  }
}
