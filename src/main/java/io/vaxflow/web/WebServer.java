package io.vaxflow.web;

import io.vaxflow.announce.LiveBridge;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.gateway.Access;
import io.vaxflow.gateway.CsrfGuard;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.Forwarded;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.metrics.AppMetrics;
import io.vaxflow.monitor.Health;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

/** The HTTP server: API, pages, static files, health and metrics on one router with one failure handler. */
public final class WebServer extends VerticleBase {

  /** No inline script or style anywhere; everything from this origin (a clinic LAN may be offline). */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self' ws: wss:; media-src 'self' data:; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";

  private final VaxflowConfig config;
  private final Api api;
  private final Pages pages;
  private final StaffAuth auth;
  private final Health health;
  private final LiveBridge bridge;
  private final Devices devices;
  private HttpServer server;
  private Router router;
  private Routes routes;

  public WebServer(VaxflowConfig config, Api api, Pages pages, StaffAuth auth, Devices devices, Health health, LiveBridge bridge) {
    this.config = config;
    this.api = api;
    this.pages = pages;
    this.auth = auth;
    this.health = health;
    this.bridge = bridge;
    this.devices = devices;
  }

  @Override
  public Future<?> start() {
    return ApiContract.load(vertx).compose(this::serve);
  }

  private Future<?> serve(ApiContract contract) {
    router = Router.router(vertx);
    routes = new Routes(router, contract, auth::confirm);
    RequestDeadline deadline = new RequestDeadline(vertx, config.http().requestTimeoutMs(),
        config.http().idleTimeoutSec() * 1000L);
    routes.declare(router.route(), Access.plumbing()).handler(deadline::handle);
    routes.declare(router.route(), Access.plumbing()).handler(Forwarded.detector(config.http().trustedProxies()));
    routes.declare(router.route(), Access.plumbing()).handler(ctx -> {
      ctx.response()
          .putHeader("Content-Security-Policy", CSP)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Permissions-Policy", "camera=(self), microphone=(), geolocation=(self)");
      ctx.next();
    });
    // the bridge guards itself (LiveBridge): who may connect, who may listen to which address
    routes.declare(router.route("/eventbus/*"), Access.plumbing()).handler(bridge::door);
    // SockJS's XHR transports (a browser's fallback where WebSockets do not pass) send their frames in POST bodies
    routes.declare(router.route(HttpMethod.POST, "/eventbus/*"), Access.plumbing())
        .handler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes()));
    routes.declare(router.route("/eventbus/*"), Access.plumbing()).subRouter(bridge.router());
    // BodyHandler throws (a 500) on a form content type with a method that cannot carry a form: refuse it first
    routes.declare(router.route("/api/*"), Access.plumbing()).handler(WebServer::noFormWithoutABody);
    routes.declare(router.route("/api/*"), Access.plumbing()).handler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes()));
    routes.declare(router.route("/api/*"), Access.plumbing()).handler(auth::identify);
    routes.declare(router.route("/api/*"), Access.plumbing()).handler(devices::identify);
    routes.declare(router.route("/api/*"), Access.plumbing()).handler(CsrfGuard::check);
    routes.declare(router.route("/api/*"), Access.plumbing()).handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      ctx.next();
    });
    api.mount(routes);
    routes.get("/api/v1/openapi.json", Access.anyone()).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8").end(contract.json()));
    routes.get("/health", Access.anyone()).handler(health::handle);
    // A no-op: the benchmark's baseline for what the HTTP stack alone costs.
    routes.get("/ping", Access.anyone()).handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end("{\"pong\":true}"));
    routes.get("/metrics", Access.anyone()).handler(AppMetrics.scraping(vertx));
    pages.mount(routes);
    // static files for every GET outside the API, so a wrong method on an API route is a 405
    routes.declare(router.routeWithRegex(HttpMethod.GET, "^/(?!api/).*"), Access.plumbing())
        .handler(StaticHandler.create("webroot").setCachingEnabled(true).setMaxAgeSeconds(300));
    routes.declare(router.route(), Access.plumbing()).failureHandler(Errors::handle);
    // what the router itself refuses (no route, wrong method, an undecodable path)
    router.errorHandler(400, ctx -> Errors.send(ctx, io.vaxflow.errors.ErrorCode.INVALID_INPUT, "The request path is malformed.",
        new io.vertx.core.json.JsonObject().put("field", "path")));
    router.errorHandler(404, ctx -> {
      if (Pages.wantsPage(ctx)) pages.notFound(ctx, "page");
      else Errors.send(ctx, io.vaxflow.errors.ErrorCode.NOT_FOUND, null);
    });
    router.errorHandler(405, ctx -> Errors.send(ctx, io.vaxflow.errors.ErrorCode.METHOD_NOT_ALLOWED, null));

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.http().host()).setPort(config.http().port())
        .setMaxFormAttributeSize(config.http().bodyLimitBytes())
        .setIdleTimeout(config.http().idleTimeoutSec())
        // HTTP/1.1 only (browsers never speak cleartext HTTP/2): sniffing for h2c holds a new
        // connection's bytes before there is a connection to put a deadline on
        .setHttp2ClearTextEnabled(false));
    server.connectionHandler(deadline::opened);
    // what the HTTP codec refuses before routing (URL or headers too long) is error JSON too
    server.invalidRequestHandler(Errors::invalidRequest);
    return server.requestHandler(router).listen();
  }

  private static void noFormWithoutABody(io.vertx.ext.web.RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    HttpMethod m = ctx.request().method();
    String t = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
    if ((t.startsWith("multipart/form-data") || t.startsWith("application/x-www-form-urlencoded"))
        && m != HttpMethod.POST && m != HttpMethod.PUT && m != HttpMethod.PATCH && m != HttpMethod.DELETE) {
      throw new io.vaxflow.flow.Rejection(io.vaxflow.errors.ErrorCode.UNSUPPORTED_MEDIA_TYPE, "A " + m.name() + " request takes no form data.",
          new io.vertx.core.json.JsonObject().put("field", "Content-Type"));
    }
    ctx.next();
  }

  public int port() {
    return server.actualPort();
  }

  /** The routes served, for tests that walk every one of them. */
  public Router router() {
    return router;
  }

  /** Every route as declared with its access rule (the router's routes, one per method). */
  public java.util.List<RouteSpec> routes() {
    return routes.specs();
  }
}
