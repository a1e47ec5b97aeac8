package io.vaxflow.monitor;

import io.vaxflow.store.Scripts;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/** {@code GET /health}: UP while Redis answers a PING, else 503 DOWN (fast, thanks to the store's timeout). */
public final class Health {

  private final Scripts store;

  public Health(Scripts store) {
    this.store = store;
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
              .put("checks", new JsonObject().put("redis", redis)).encode());
    });
  }
}
