package io.vaxflow.web;

import io.vaxflow.announce.LiveBridge;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.gateway.CsrfGuard;
import io.vaxflow.gateway.SecureCookies;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.monitor.Health;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

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
  private HttpServer server;
  private Router router;

  public WebServer(VaxflowConfig config, Api api, Pages pages, StaffAuth auth, Health health, LiveBridge bridge) {
    this.config = config;
    this.api = api;
    this.pages = pages;
    this.auth = auth;
    this.health = health;
    this.bridge = bridge;
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    RequestDeadline deadline = new RequestDeadline(vertx, config.http().requestTimeoutMs(),
        config.http().idleTimeoutSec() * 1000L);
    router.route().handler(deadline::handle);
    router.route().handler(SecureCookies.detector(config.http().trustedProxies()));
    router.route().handler(ctx -> {
      ctx.response()
          .putHeader("Content-Security-Policy", CSP)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Permissions-Policy", "camera=(self), microphone=(), geolocation=(self)");
      ctx.next();
    });
    router.route("/eventbus/*").subRouter(bridge.router());
    // BodyHandler throws (a 500) on a form content type with a method that cannot carry a form: refuse it first
    router.route("/api/*").handler(WebServer::noFormWithoutABody);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes()));
    router.route("/api/*").handler(auth::identify);
    router.route("/api/*").handler(CsrfGuard::check);
    router.route("/api/*").handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      ctx.next();
    });
    api.mount(router);
    router.get("/health").handler(health::handle);
    // A no-op: the benchmark's baseline for what the HTTP stack alone costs.
    router.get("/ping").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end("{\"pong\":true}"));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    pages.mount(router);
    // static files for every GET outside the API, so a wrong method on an API route is a 405
    router.routeWithRegex(HttpMethod.GET, "^/(?!api/).*")
        .handler(StaticHandler.create("webroot").setCachingEnabled(true).setMaxAgeSeconds(300));
    router.route().failureHandler(Errors::handle);
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
}
