package io.vaxflow.monitor;

import io.vaxflow.checkin.RegistryClient;
import io.vaxflow.store.Scripts;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * {@code GET /health}: UP while Redis answers a PING, else 503 DOWN (fast, thanks to the store's
 * timeout). The registry's breaker is reported too: while it is open check-in works offline, so
 * the server stays UP.
 */
public final class Health {

  private final Scripts store;
  private final RegistryClient registry;

  public Health(Scripts store, RegistryClient registry) {
    this.store = store;
    this.registry = registry;
  }

  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    store.send(Request.cmd(Command.PING)).onComplete(ar -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      JsonObject redis = new JsonObject().put("status", ar.succeeded() ? "UP" : "DOWN").put("latencyMs", ms);
      if (ar.failed()) redis.put("reason", ar.cause().getMessage());
      boolean up = ar.succeeded();
      ctx.response().setStatusCode(up ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN")
              .put("checks", new JsonObject().put("redis", redis).put("registry", new JsonObject()
                  .put("breaker", registry.state().name()).put("failures", registry.failureCount())
                  .put("status", registry.state() == CircuitBreakerState.CLOSED ? "UP" : "DEGRADED"))).encode());
    });
  }
}
