package io.vaxflow.announce;

import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which hall displays are listening: each acknowledges every call it shows. A display that has
 * not acknowledged calls made well after its last acknowledgement is offline. Acks are kept in
 * Redis (lua/display_acks.lua) so every instance and the dashboard see them; a server holds the
 * acks it heard and writes the latest of each display once per {@link #FLUSH_MS}, so however many
 * acks arrive, a site costs one Redis write a second. At most {@link #MAX_PER_SITE} displays are
 * kept per site (the most recently heard), and one not heard for {@link #KEEP_MS} is forgotten.
 */
public final class Displays {

  /** A call not acknowledged within this is missed. */
  static final long GRACE_MS = 5_000;
  static final long FLUSH_MS = 1_000;
  static final int MAX_PER_SITE = 50;
  static final long KEEP_MS = 24 * 3_600_000L;

  private record Heard(String callId, long at) {}

  private final Scripts store;
  private final Map<String, Long> lastCallAt = new ConcurrentHashMap<>();
  /** site → display → its latest ack not yet written. */
  private final Map<String, Map<String, Heard>> heard = new ConcurrentHashMap<>();
  private final Set<String> writing = ConcurrentHashMap.newKeySet();

  public Displays(Scripts store) {
    this.store = store;
  }

  void called(String site) {
    lastCallAt.put(site, System.currentTimeMillis());
  }

  void acknowledged(String site, Ack ack) {
    Map<String, Heard> displays = heard.computeIfAbsent(site, k -> new ConcurrentHashMap<>());
    if (displays.size() >= MAX_PER_SITE && !displays.containsKey(ack.displayId())) return;
    displays.put(ack.displayId(), new Heard(ack.callId(), System.currentTimeMillis()));
  }

  /** Writes each site's latest acks, unless its previous write is still under way. */
  void flush() {
    for (String site : heard.keySet()) {
      if (!writing.add(site)) continue;
      Map<String, Heard> batch = heard.remove(site);
      if (batch == null || batch.isEmpty()) {
        writing.remove(site);
        continue;
      }
      long now = System.currentTimeMillis();
      List<ScriptArgs.Ack> acks = new ArrayList<>();
      batch.forEach((display, h) -> acks.add(new ScriptArgs.Ack(display, h.at(), h.callId())));
      store.run(Script.DISPLAY_ACKS, Scripts.At.site(site, List.of(), now, "", "system"),
              new ScriptArgs.DisplayAcks(now - KEEP_MS, KEEP_MS, MAX_PER_SITE, acks))
          .onComplete(ar -> writing.remove(site));
    }
  }

  /** [{id, lastAckAt, lastCallId, online}] of the site's displays (at most {@link #MAX_PER_SITE}). */
  public Future<JsonArray> status(String site) {
    return store.send(Request.cmd(Command.HGETALL).arg(SiteKeys.displayLast(site))).map(r -> {
      long lastCall = lastCallAt.getOrDefault(site, 0L);
      long now = System.currentTimeMillis();
      JsonArray out = new JsonArray();
      if (r == null) return out;
      for (String id : r.getKeys()) {
        String[] parts = r.get(id).toString().split("\\|", 2);
        long ack = Long.parseLong(parts[0]);
        boolean missed = lastCall > ack + GRACE_MS && now - lastCall > GRACE_MS;
        out.add(new JsonObject().put("id", id).put("lastAckAt", ack)
            .put("lastCallId", parts.length > 1 ? parts[1] : "").put("online", !missed));
      }
      return out;
    });
  }
}
