package io.vaxflow.announce;

import io.vaxflow.store.EventStream;
import io.vaxflow.store.EventStream.Entry;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Vertx;
import io.vertx.core.Handler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one site's event stream with {@code XREAD BLOCK} on a dedicated connection, so that
 * every server instance sees every transition, whichever instance made it. Reconnects by itself
 * (with backoff) and resumes after the last entry it delivered, so an outage loses nothing.
 * Each connect goes through the configured deployment: on a Cluster the connection routes XREAD to
 * the master of the site's slot (following MOVED after a resharding); on Sentinel it asks the
 * sentinels for the current master, so the reconnect after a failover reaches the promoted replica.
 */
final class SiteStreamTail {

  private static final Logger LOG = LoggerFactory.getLogger(SiteStreamTail.class);
  private static final int BLOCK_MS = 5_000;

  private final Vertx vertx;
  private final Redis client;
  private final String site;
  private final Handler<Entry> onEntry;
  private String lastId = "$";
  private RedisConnection conn;
  private long backoffMs = 250;
  private boolean stopped;

  SiteStreamTail(Vertx vertx, RedisOptions redis, String site, Handler<Entry> onEntry) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, redis);
    this.site = site;
    this.onEntry = onEntry;
  }

  void start() {
    connect();
  }

  void stop() {
    stopped = true;
    if (conn != null) conn.close();
    client.close();
  }

  private void connect() {
    if (stopped) return;
    client.connect().timeout(5, TimeUnit.SECONDS).onComplete(ar -> {
      if (ar.failed()) {
        retry("connect", ar.cause());
        return;
      }
      conn = ar.result();
      RedisConnection mine = conn;
      conn.exceptionHandler(err -> lost(mine, err));
      conn.endHandler(v -> lost(mine, null));
      backoffMs = 250;
      read(mine);
    });
  }

  private void read(RedisConnection c) {
    if (stopped || c != conn) return;
    Request req = Request.cmd(Command.XREAD).arg("COUNT").arg(500).arg("BLOCK").arg(BLOCK_MS)
        .arg("STREAMS").arg(SiteKeys.Site.EVENTS.of(site)).arg(lastId);
    c.send(req).timeout(BLOCK_MS + 5_000L, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.failed()) {
        lost(c, ar.cause());
        return;
      }
      Response r = ar.result();
      if (r != null) {
        for (Response stream : r) {
          for (Response e : stream.get(1)) {
            Entry entry = EventStream.entry(e);
            lastId = entry.id();
            try {
              onEntry.handle(entry);
            } catch (RuntimeException ex) {
              LOG.error("event {} of {} not handled", entry.id(), site, ex);
            }
          }
        }
      }
      read(c);
    });
  }

  private void lost(RedisConnection c, Throwable err) {
    if (c != conn || stopped) return;
    conn = null;
    c.close();
    retry("read", err);
  }

  private void retry(String what, Throwable err) {
    if (stopped) return;
    LOG.warn("event stream of {}: {} failed ({}); retrying in {} ms", site, what,
        err == null ? "connection closed" : err.getMessage(), backoffMs);
    vertx.setTimer(backoffMs, id -> connect());
    backoffMs = Math.min(backoffMs * 2, 5_000);
  }
}
