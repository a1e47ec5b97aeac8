package io.vaxflow;

import io.vaxflow.announce.Announcer;
import io.vaxflow.announce.Displays;
import io.vaxflow.announce.Followers;
import io.vaxflow.announce.LiveBridge;
import io.vaxflow.checkin.Checkin;
import io.vaxflow.appointment.RegistryClient;
import io.vaxflow.appointment.AppointmentRegistry;
import io.vaxflow.simulate.Simulator;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.RateClock;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.dispatch.Bookings;
import io.vaxflow.dispatch.Dispatcher;
import io.vaxflow.flow.DataGuard;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.TimerSweep;
import io.vaxflow.dispatch.Standby;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.gateway.Devices;
import io.vaxflow.gateway.Revocations;
import io.vaxflow.gateway.Sessions;
import io.vaxflow.gateway.StaffAuth;
import io.vaxflow.gateway.StaffLogin;
import io.vaxflow.gateway.TicketLinks;
import io.vaxflow.metrics.AppMetrics;
import io.vaxflow.monitor.Health;
import io.vaxflow.monitor.CityOverview;
import io.vaxflow.monitor.AlertWatch;
import io.vaxflow.monitor.SiteMetrics;
import io.vaxflow.immunization.Certificates;
import io.vaxflow.immunization.Fhir;
import io.vaxflow.immunization.Registry;
import io.vaxflow.immunization.Shots;
import io.vaxflow.notify.Destination;
import io.vaxflow.notify.Webhooks;
import io.vaxflow.security.TrackToken;
import io.vaxflow.stock.Stock;
import io.vaxflow.store.EventStream;
import io.vaxflow.store.RedisDeployment;
import io.vaxflow.store.Scripts;
import io.vaxflow.view.Views;
import io.vaxflow.web.Api;
import io.vaxflow.web.ImmunizationRoutes;
import io.vaxflow.web.Pages;
import io.vaxflow.web.WebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Vaxflow server: connects to Redis, loads the scripts, publishes each site's settings, then
 * deploys the timer sweep and the web server, in that order.
 */
public final class VaxflowServer {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VaxflowServer.class);

  private final Vertx vertx;
  private final Redis redis;
  private final WebServer web;
  private final Map<String, SiteFlow> flows;
  private final RegistryClient registry;

  private VaxflowServer(Vertx vertx, Redis redis, WebServer web, Map<String, SiteFlow> flows, RegistryClient registry) {
    this.vertx = vertx;
    this.redis = redis;
    this.web = web;
    this.flows = flows;
    this.registry = registry;
  }

  /** The web server's router (every route it serves). */
  public io.vertx.ext.web.Router router() {
    return web.router();
  }

  /** Every route with the access rule it declares. */
  public java.util.List<io.vaxflow.web.RouteSpec> routes() {
    return web.routes();
  }

  public RegistryClient registry() {
    return registry;
  }

  /**
   * Starts against the configured Redis deployment; {@code redisUrl} is the standalone Redis' URL
   * (the embedded one is started by {@link Main}); a cluster or sentinel deployment uses its endpoints.
   */
  public static Future<VaxflowServer> start(Vertx vertx, VaxflowConfig config, String redisUrl) {
    return start(vertx, config, redisUrl, clock(config));
  }

  /** As {@link #start(Vertx, VaxflowConfig, String)}, on {@code clock} (a test's simulated day). */
  public static Future<VaxflowServer> start(Vertx vertx, VaxflowConfig config, String redisUrl, Clock clock) {
    List<VaxflowConfig.Insecure> insecure = config.insecureDefaults();
    if (!insecure.isEmpty() && !config.demoMode()) return Future.failedFuture(new InsecureStart(insecure));
    if (config.demoMode()) {
      StringBuilder b = new StringBuilder("DEMO MODE (demo: true, env DEMO): one-time codes are shown on pages, the local "
          + "browser is enrolled, and these public demo values are in use; never run it so for real people:");
      insecure.forEach(i -> b.append("\n  - ").append(i.setting()).append(" (").append(i.env()).append(") ").append(i.problem()));
      b.append("\n/health lists them (checks.security). Outside demo mode (DEMO=false) the server refuses to start with any of them.");
      LOG.warn(b.toString());
    }
    if (!config.demoMode() && !Webhooks.subscribed(config).contains(VaxflowConfig.Webhook.Event.OTP)) {
      LOG.warn("No webhook takes otp events: the one-time codes of bookings reach no phone, so nobody can book, look up, "
          + "change or cancel a booking. Add the city's SMS gateway with events: [otp, ...] (README \"Bookings\")");
    }
    Redis redis = Redis.createClient(vertx, RedisDeployment.options(config.redis(), redisUrl)
        .setMaxPoolSize(config.redis().poolSize())
        .setMaxPoolWaiting(config.redis().poolSize() * 64)
        .setMaxWaitingHandlers(4096));
    Scripts scripts = new Scripts(redis, config.redis().timeoutMs(), config.redis().waitReplicas());
    Map<String, SiteFlow> flows = new LinkedHashMap<>();
    DataGuard guard = new DataGuard();
    for (SiteConfig s : config.sites()) flows.put(s.id(), new SiteFlow(s, config, scripts, clock, guard));

    Sessions sessions = new Sessions(scripts, config);
    Devices devices = new Devices(scripts, config, clock, sessions);
    RateLimiter limiter = new RateLimiter(scripts, config);
    Displays displays = new Displays(scripts);
    AppMetrics metrics = new AppMetrics(vertx);

    // The appointment registry: the built-in one on its own port, or a remote one.
    AppointmentRegistry builtIn = new AppointmentRegistry(config, scripts, "127.0.0.1", config.registry().port());
    Future<String> registryUrl = config.registry().builtIn()
        ? vertx.deployVerticle(builtIn).map(id -> "http://127.0.0.1:" + builtIn.port())
        : Future.succeededFuture(config.registry().url());

    Shots shots = new Shots(scripts, clock, config.timeZone(), io.vaxflow.security.PersonalData.fromVoucherSecret(config.voucherSecret()));
    Stock stock = new Stock(config);
    return untilReady(vertx, () -> scripts.preload()
            .compose(v -> Future.all(flows.values().stream().map(SiteFlow::publishSettings).toList()))
            .compose(v -> Future.all(flows.values().stream().map(stock::seedDemo).toList())),
        System.currentTimeMillis() + 30_000)
        .compose(v -> Certificates.load(config, scripts, shots, clock))
        .compose(certificates -> registryUrl.map(url -> Map.entry(url, certificates)))
        .compose(started -> {
          String url = started.getKey();
          Certificates certificates = started.getValue();
          RegistryClient registry = new RegistryClient(vertx, config.registry(), url);
          metrics.breaker("registry", registry::state);
          Checkin checkin = new Checkin(config, limiter, registry, metrics);
          Dispatcher dispatcher = new Dispatcher(vertx, config, flows, scripts);
          dispatcher.remotes().forEach(r -> metrics.breaker("remote-" + r.site().id(), r::breakerState));
          EventStream events = new EventStream(scripts);
          SiteMetrics siteMetrics = new SiteMetrics(config, displays, registry, scripts);
          Fhir fhir = new Fhir(config.immunizationRegistry(), Fhir.vaccines(config.products()), sitesById(config), config.timeZone(),
              io.vaxflow.security.PersonKey.fromVoucherSecret(config.voucherSecret()));
          List<Destination> receivers = config.immunizationRegistry().delivers()
              ? List.of(new Registry(vertx, config.immunizationRegistry(), shots, fhir, config.notifications().timeoutMs(),
                  config.notifications().inFlight()))
              : List.of();
          Webhooks webhooks = new Webhooks(config, scripts, metrics, flows.keySet(), receivers);
          Standby standby = new Standby(config, flows);
          Bookings bookings = new Bookings(config, dispatcher, scripts, limiter, () -> webhooks.wake(VaxflowConfig.CITY, null));
          StaffLogin staffLogin = new StaffLogin(vertx, config, limiter, sessions, devices);
          metrics.pinChecks(staffLogin, StaffLogin::pinChecks);
          TicketLinks links = new TicketLinks(TrackToken.fromVoucherSecret(config.voucherSecret()));
          Followers followers = new Followers(vertx, new Views(config.timeZone()), config.announce().repeats());
          Api api = new Api(vertx, config, flows, checkin, dispatcher, bookings, staffLogin, devices, events, limiter,
              siteMetrics, new CityOverview(config, flows, scripts),
              new io.vaxflow.plan.SitePlans(config.flow(), scripts), stock, links,
              new ImmunizationRoutes(config, vertx, shots, fhir, certificates, links));
          LiveBridge bridge = new LiveBridge(vertx, sessions, flows, displays, devices, links, followers);
          WebServer web = new WebServer(config, api, new Pages(vertx, config, clock, flows, devices, links), new StaffAuth(sessions), devices,
              new Health(scripts, registry, guard, flows, config, webhooks::status), bridge);
          Announcer announcer = new Announcer(config, flows, redisUrl, clock, displays, metrics, followers);
          announcer.listen(webhooks::wake);
          // every instance's numbers as its tail reads them: a restarted Redis is numbered above them too
          announcer.listen((site, e) -> {
            if ("checkin".equals(e.get("type"))) guard.seen(site, e.get("day"), e.get("number"));
          });
          return vertx.deployVerticle(new Revocations(sessions, devices, RedisDeployment.options(config.redis(), redisUrl)))
              .compose(v -> vertx.deployVerticle(new TimerSweep(flows.values(), config.flow().tickMs(), standby::invite)))
              .compose(v -> webhooks.anyReceiver() ? vertx.deployVerticle(webhooks) : Future.succeededFuture())
              // the sites' alerts become events while a webhook wants them (each look is a dashboard report per site)
              .compose(v -> Webhooks.subscribed(config).contains(VaxflowConfig.Webhook.Event.ALERT)
                  ? vertx.deployVerticle(new AlertWatch(flows.values(), siteMetrics, config.notifications().alertCheckSec() * 1000L))
                  : Future.succeededFuture())
              .compose(v -> vertx.deployVerticle(announcer))
              .compose(v -> vertx.deployVerticle(web))
              .compose(v -> config.simulate()
                  ? vertx.deployVerticle(new Simulator(flows, checkin, bookings, stock, config.clockRate())).mapEmpty()
                  : Future.succeededFuture())
              .map(v -> new VaxflowServer(vertx, redis, web, flows, registry));
        })
        .onFailure(err -> redis.close());
  }

  private static Map<String, SiteConfig> sitesById(VaxflowConfig config) {
    Map<String, SiteConfig> out = new LinkedHashMap<>();
    config.allSites().forEach(s -> out.put(s.id(), s));
    return out;
  }

  /** A start refused outside demo mode: each insecure default still in use, by its setting and its variable. */
  public static final class InsecureStart extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InsecureStart(List<VaxflowConfig.Insecure> insecure) {
      super(message(insecure));
    }

    private static String message(List<VaxflowConfig.Insecure> insecure) {
      StringBuilder b = new StringBuilder("refusing to start outside demo mode (demo: false) with insecure defaults:");
      insecure.forEach(i -> b.append("\n  - ").append(i.setting()).append(" (").append(i.env()).append(") ").append(i.problem()));
      return b.append("\nSet each of them, or run the demo city with DEMO=true.").toString();
    }
  }

  /** Redis may still be starting (a container next to ours): retry the first contact for a while. */
  private static Future<Void> untilReady(Vertx vertx, java.util.function.Supplier<Future<?>> attempt, long deadline) {
    return attempt.get().<Void>mapEmpty().recover(err -> {
      if (System.currentTimeMillis() > deadline) return Future.failedFuture(err);
      LOG.warn("Redis not ready ({}); retrying", err.getMessage());
      return Future.<Void>future(p -> vertx.setTimer(500, id -> p.complete()))
          .compose(v -> untilReady(vertx, attempt, deadline));
    });
  }

  /** The real time, or with CLOCK set, a clock that starts at that instant and runs on from it (CLOCK_RATE times as fast). */
  static Clock clock(VaxflowConfig config) {
    return RateClock.of(config);
  }

  public int port() {
    return web.port();
  }

  public Map<String, SiteFlow> flows() {
    return flows;
  }

  public Future<Void> stop() {
    return vertx.close().onComplete(ar -> redis.close());
  }
}
