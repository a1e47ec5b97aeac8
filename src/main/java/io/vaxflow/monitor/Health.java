package io.vaxflow.monitor;

import io.vaxflow.appointment.RegistryClient;
import io.vaxflow.flow.DataGuard;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.notify.WebhookStatus;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.store.Scripts;
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
import java.util.function.Supplier;

/**
 * {@code GET /health}: UP while Redis answers and holds every site's data, else 503 DOWN (fast,
 * thanks to the store's timeout). A Redis that answers but lost a site's data (its marker is
 * gone) is DOWN with {@code DATA_LOST} until the site is restored, which the next timer sweep
 * does. The registry's breaker is reported too: while it is open check-in works offline, so the
 * server stays UP. So does a server signing vouchers with the public demo secret; its
 * {@code voucherSigning} check says {@code DEMO} instead of {@code SET}. With webhooks configured,
 * {@code webhooks} is DEGRADED (the server stays UP) while one's oldest undelivered event is older
 * than {@code notify.staleSec}: its receiver has been failing, or deliveries cannot keep up.
 */
public final class Health {

  private final Scripts store;
  private final RegistryClient registry;
  private final DataGuard guard;
  private final Map<String, SiteFlow> flows;
  private final JsonObject voucherSigning;
  private final Supplier<List<WebhookStatus>> webhooks;

  public Health(Scripts store, RegistryClient registry, DataGuard guard, Map<String, SiteFlow> flows, boolean demoVoucherSecret) {
    this(store, registry, guard, flows, demoVoucherSecret, List::of);
  }

  /** {@code webhooks}: the configured webhooks' backlogs (none: no {@code webhooks} check). */
  public Health(Scripts store, RegistryClient registry, DataGuard guard, Map<String, SiteFlow> flows, boolean demoVoucherSecret,
                Supplier<List<WebhookStatus>> webhooks) {
    this.webhooks = webhooks;
    this.store = store;
    this.registry = registry;
    this.guard = guard;
    this.flows = flows;
    this.voucherSigning = demoVoucherSecret
        ? new JsonObject().put("status", "DEMO").put("reason", "VOUCHER_SECRET is not set: vouchers are signed with the public demo secret")
        : new JsonObject().put("status", "SET");
  }

  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    List<Future<Response>> markers = new ArrayList<>();
    for (String site : flows.keySet()) {
      markers.add(store.send(Request.cmd(Command.HEXISTS).arg(SiteKeys.settings(site)).arg("cfg.epoch")));
    }
    Future.all(markers).onComplete(ar -> {
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
      String status = ar.failed() ? "DOWN" : lost.isEmpty() ? "UP" : "DATA_LOST";
      JsonObject redis = new JsonObject().put("status", status).put("latencyMs", ms);
      if (ar.failed()) redis.put("reason", ar.cause().getMessage());
      if (!lost.isEmpty()) redis.put("reason", "Redis answers but has lost these sites' data; restoring").put("sites", lost);
      guard.lastLoss().ifPresent(at -> redis.put("lastDataLoss", at.toString()).put("dataLosses", guard.losses()));
      boolean up = status.equals("UP");
      JsonObject checks = new JsonObject().put("redis", redis).put("registry", new JsonObject()
              .put("breaker", registry.state().name()).put("failures", registry.failureCount())
              .put("status", registry.state() == CircuitBreakerState.CLOSED ? "UP" : "DEGRADED"))
          .put("voucherSigning", voucherSigning.copy());
      List<WebhookStatus> hooks = webhooks.get();
      if (!hooks.isEmpty()) checks.put("webhooks", webhooks(hooks));
      ctx.response().setStatusCode(up ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks).encode());
    });
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
