package io.vaxflow.monitor;

import io.vaxflow.appointment.RegistryClient;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.DataGuard;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.notify.WebhookStatus;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.StoreUnavailable;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /health}: UP while Redis answers, takes writes and holds every site's data, else 503. DOWN when it
 * does not answer (fast, thanks to the store's timeout) or answers but lost a site's data (its marker is gone:
 * {@code DATA_LOST} until the site is restored, which the next timer sweep does). DEGRADED when it answers but
 * refuses writes, with the reason: {@code OOM} (full), {@code READONLY} (a replica), {@code MISCONF} (its disk):
 * each site is probed with a write that changes nothing ({@code SETRANGE} of nothing on a key never written), which
 * Redis refuses exactly as it would a check-in. The Redis restarts (or failovers) this server noticed are counted
 * ({@code redisRestarts}, {@code lastRedisRestart}; see {@link DataGuard}). The registry's breaker is reported too:
 * while it is open check-in works offline, so the server stays UP. So does a server signing vouchers with the
 * public demo secret ({@code voucherSigning}: {@code DEMO}) and a demo-mode server ({@code security}: {@code DEMO},
 * listing each insecure default still in use; outside demo mode the server does not start with one). With
 * webhooks configured, {@code webhooks} is DEGRADED (the server stays UP) while one's oldest undelivered event is
 * older than {@code notify.staleSec}: its receiver has been failing, or deliveries cannot keep up.
 */
public final class Health {

  private final Scripts store;
  private final RegistryClient registry;
  private final DataGuard guard;
  private final Map<String, SiteFlow> flows;
  private final JsonObject voucherSigning;
  private final JsonObject security;
  private final Supplier<List<WebhookStatus>> webhooks;

  public Health(Scripts store, RegistryClient registry, DataGuard guard, Map<String, SiteFlow> flows, VaxflowConfig config) {
    this(store, registry, guard, flows, config, List::of);
  }

  /** {@code webhooks}: the configured webhooks' backlogs (none: no {@code webhooks} check). */
  public Health(Scripts store, RegistryClient registry, DataGuard guard, Map<String, SiteFlow> flows, VaxflowConfig config,
                Supplier<List<WebhookStatus>> webhooks) {
    this.webhooks = webhooks;
    this.store = store;
    this.registry = registry;
    this.guard = guard;
    this.flows = flows;
    this.voucherSigning = config.usesDemoVoucherSecret()
        ? new JsonObject().put("status", "DEMO").put("reason", "VOUCHER_SECRET is not set: vouchers are signed with the public demo secret")
        : new JsonObject().put("status", "SET");
    JsonArray insecure = new JsonArray();
    config.insecureDefaults().forEach(i -> insecure.add(new JsonObject().put("setting", i.setting()).put("env", i.env())
        .put("problem", i.problem())));
    this.security = new JsonObject().put("status", config.demoMode() ? "DEMO" : "UP").put("demo", config.demoMode())
        .put("insecure", insecure);
  }

  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    List<Future<Response>> markers = new ArrayList<>();
    List<Future<Response>> writes = new ArrayList<>();
    for (String site : flows.keySet()) {
      markers.add(store.send(Request.cmd(Command.HEXISTS).arg(SiteKeys.Site.SETTINGS.of(site)).arg("cfg.epoch")));
      writes.add(store.send(Request.cmd(Command.SETRANGE).arg(SiteKeys.probe(site)).arg(0).arg("")));
    }
    Future.all(markers).onComplete(ar -> Future.join(writes).onComplete(written -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      JsonArray lost = new JsonArray();
      if (ar.succeeded()) {
        int i = 0;
        for (String site : flows.keySet()) {
          if (markers.get(i++).result().toInteger() == 0) {
            lost.add(site);
            flows.get(site).recoverLostData(); // this probe says DOWN; the next finds it restored
          }
        }
      }
      Optional<StoreUnavailable> refused = writes.stream().filter(Future::failed).map(Future::cause)
          .filter(e -> e instanceof StoreUnavailable s && s.refusal().isPresent()).map(StoreUnavailable.class::cast).findFirst();
      String status = ar.failed() ? "DOWN" : !lost.isEmpty() ? "DATA_LOST" : refused.isPresent() ? "DEGRADED" : "UP";
      JsonObject redis = new JsonObject().put("status", status).put("latencyMs", ms);
      if (ar.failed()) redis.put("reason", ar.cause().getMessage());
      if (!lost.isEmpty()) redis.put("reason", "Redis answers but has lost these sites' data; restoring").put("sites", lost);
      refused.filter(r -> lost.isEmpty() && ar.succeeded()).ifPresent(r -> redis.put("refusing", r.refusal().get().name())
          .put("reason", refusal(r)));
      guard.lastLoss().ifPresent(at -> redis.put("lastDataLoss", at.toString()).put("dataLosses", guard.losses()));
      redis.put("redisRestarts", guard.restarts());
      guard.lastRestart().ifPresent(at -> redis.put("lastRedisRestart", at.toString()));
      String overall = status.equals("UP") ? "UP" : status.equals("DEGRADED") ? "DEGRADED" : "DOWN";
      JsonObject checks = new JsonObject().put("redis", redis).put("registry", new JsonObject()
              .put("breaker", registry.state().name()).put("failures", registry.failureCount())
              .put("status", registry.state() == CircuitBreakerState.CLOSED ? "UP" : "DEGRADED"))
          .put("voucherSigning", voucherSigning.copy())
          .put("security", security.copy());
      List<WebhookStatus> hooks = webhooks.get();
      if (!hooks.isEmpty()) checks.put("webhooks", webhooks(hooks));
      ctx.response().setStatusCode(overall.equals("UP") ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("status", overall).put("checks", checks).encode());
    }));
  }

  /** What a refusal means for the site, with Redis's own words. */
  private static String refusal(StoreUnavailable r) {
    String redis = r.getCause() == null ? r.getMessage() : r.getCause().getMessage();
    String what = switch (r.refusal().get()) {
      case OOM -> "Redis is full (maxmemory, policy noeviction): it refuses writes, so check-ins and staff actions fail";
      case READONLY -> "Redis is a read-only replica: it refuses writes (point REDIS_URL at the master, or use sentinel)";
      case MISCONF -> "Redis cannot save to its disk and refuses writes";
    };
    return what + ". Redis says: " + redis;
  }

  /** DEGRADED while a webhook's oldest undelivered event is stale; each webhook's backlog. */
  private static JsonObject webhooks(List<WebhookStatus> hooks) {
    JsonArray each = new JsonArray();
    for (WebhookStatus h : hooks) {
      JsonObject j = new JsonObject().put("id", h.id()).put("status", h.stale() ? "DEGRADED" : "UP").put("pending", h.pending());
      h.oldestSec().ifPresent(s -> j.put("oldestUndeliveredSec", s));
      each.add(j);
    }
    boolean stale = hooks.stream().anyMatch(WebhookStatus::stale);
    return new JsonObject().put("status", stale ? "DEGRADED" : "UP").put("webhooks", each);
  }
}
