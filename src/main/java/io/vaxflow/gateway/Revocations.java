package io.vaxflow.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
 * Tells this instance at once when any instance closes a session ({@link Sessions#REVOKED}) or revokes a device
 * ({@link Devices#REVOKED}): subscribed to both on a dedicated connection. While the subscription is down,
 * revocations may be missed, so {@link Sessions} remembers nothing (every request asks Redis) and the bridge
 * confirms every display acknowledgement ({@link Devices#following}) until it is back; reconnects by itself with
 * backoff.
 */
public final class Revocations extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

  private final Sessions sessions;
  private final Devices devices;
  /** The deployment's options (store.RedisDeployment): on a Cluster any master relays the channel. */
  private final RedisOptions redis;
  private Redis client;
  private RedisConnection conn;
  private long backoffMs = 250;
  private boolean stopped;

  public Revocations(Sessions sessions, Devices devices, RedisOptions redis) {
    this.sessions = sessions;
    this.devices = devices;
    this.redis = redis;
  }

  @Override
  public Future<?> start() {
    client = Redis.createClient(vertx, redis);
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    following(false);
    if (conn != null) conn.close();
    return client.close();
  }

  private void connect() {
    if (stopped) return;
    client.connect().timeout(5, TimeUnit.SECONDS).onComplete(ar -> {
      if (ar.failed()) {
        retry(ar.cause());
        return;
      }
      RedisConnection c = ar.result();
      conn = c;
      c.handler(this::message);
      c.exceptionHandler(err -> lost(c, err));
      c.endHandler(v -> lost(c, null));
      c.send(Request.cmd(Command.SUBSCRIBE).arg(Sessions.REVOKED))
          .compose(v -> c.send(Request.cmd(Command.SUBSCRIBE).arg(Devices.REVOKED)))
          .timeout(5, TimeUnit.SECONDS).onComplete(sub -> {
            if (sub.failed()) {
              lost(c, sub.cause());
              return;
            }
            backoffMs = 250;
            following(true);
          });
    });
  }

  private void message(Response r) {
    if (r == null || r.size() != 3 || !"message".equals(r.get(0).toString())) return;
    String channel = r.get(1).toString();
    if (Sessions.REVOKED.equals(channel)) sessions.revoked(r.get(2).toString());
    else if (Devices.REVOKED.equals(channel)) devices.revoked(r.get(2).toString());
  }

  private void following(boolean on) {
    sessions.following(on);
    devices.following(on);
  }

  private void lost(RedisConnection c, Throwable err) {
    if (c != conn || stopped) return;
    conn = null;
    following(false);
    c.close();
    retry(err);
  }

  private void retry(Throwable err) {
    if (stopped) return;
    LOG.warn("revocations: subscription lost ({}); sessions are not remembered and display connections are confirmed at every ack until it is back; retrying in {} ms",
        err == null ? "connection closed" : err.getMessage(), backoffMs);
    vertx.setTimer(backoffMs, id -> connect());
    backoffMs = Math.min(backoffMs * 2, 5_000);
  }
}
