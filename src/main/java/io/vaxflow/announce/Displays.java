package io.vaxflow.announce;

import io.vaxflow.store.SiteKeys;
import io.vaxflow.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which hall displays are listening: each acknowledges every call it shows. A display that has
 * not acknowledged calls made well after its last acknowledgement is offline. Acks are kept in
 * Redis ({@code vf:{site}:displays}: display id → last ack ms) so every instance and the
 * dashboard see them.
 */
public final class Displays {

  /** A call not acknowledged within this is missed. */
  static final long GRACE_MS = 5_000;

  private final Scripts store;
  private final Map<String, Long> lastCallAt = new ConcurrentHashMap<>();

  public Displays(Scripts store) {
    this.store = store;
  }

  void called(String site) {
    lastCallAt.put(site, System.currentTimeMillis());
  }

  void acknowledged(String site, String displayId, String callId) {
    store.send(Request.cmd(Command.HSET).arg(key(site)).arg(displayId)
        .arg(System.currentTimeMillis() + "|" + callId));
  }

  /** [{id, lastAckAt, online}] of the site's displays. */
  public Future<JsonArray> status(String site) {
    return store.send(Request.cmd(Command.HGETALL).arg(key(site))).map(r -> {
      long lastCall = lastCallAt.getOrDefault(site, 0L);
      long now = System.currentTimeMillis();
      JsonArray out = new JsonArray();
      if (r == null) return out;
      for (String id : r.getKeys()) {
        Response v = r.get(id);
        String[] parts = v.toString().split("\\|", 2);
        long ack = Long.parseLong(parts[0]);
        boolean missed = lastCall > ack + GRACE_MS && now - lastCall > GRACE_MS;
        out.add(new JsonObject().put("id", id).put("lastAckAt", ack)
            .put("lastCallId", parts.length > 1 ? parts[1] : "").put("online", !missed));
      }
      return out;
    });
  }

  private static String key(String site) {
    return SiteKeys.prefix(site) + ":displays";
  }
}
