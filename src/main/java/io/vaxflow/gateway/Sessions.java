package io.vaxflow.gateway;

import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Staff sessions, kept in Redis ({@code vf:session:<token>} → staff id, with a TTL), so any server
 * instance accepts them and a restart loses none.
 *
 * <p>Whatever a session is allowed to do (an HTTP request, registering a tablet on the bridge) is
 * decided by asking Redis ({@link #resolve}): a logout on any instance holds for the very next
 * request everywhere. Only the bridge's check of every message it pushes to a staff tablet uses a
 * remembered answer ({@link #stillOpen}); closing a session publishes its token on {@link #REVOKED}
 * and every instance forgets it as soon as that message arrives ({@link SessionRevocations}), so a
 * logged-out tablet may hear a station change for that long, never act. Only while that
 * subscription is up is anything remembered.
 */
public final class Sessions {

  public static final String COOKIE = "vf_session";
  public static final Duration TTL = Duration.ofHours(12);
  private static final long REMEMBER_MS = 5_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The pub/sub channel on which closed sessions' tokens are announced to every instance. */
  public static final String REVOKED = SiteKeys.SESSIONS_REVOKED;

  private record Remembered(String staffId, long until) {}

  private final Scripts store;
  private final VaxflowConfig config;
  private final Map<String, Remembered> recent = new ConcurrentHashMap<>();
  /** Revocations are being received: what is remembered can be trusted. */
  private volatile boolean following;
  /** Bumped on every revocation: a lookup that raced one is not remembered. */
  private final AtomicLong revocations = new AtomicLong();

  public Sessions(Scripts store, VaxflowConfig config) {
    this.store = store;
    this.config = config;
  }

  public Future<String> open(StaffAccount staff) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return store.send(Request.cmd(Command.SET).arg(key(token)).arg(staff.id()).arg("EX").arg(TTL.toSeconds()))
        .map(ok -> token);
  }

  /** Whose session this is, asked of Redis. */
  public Future<Optional<StaffAccount>> resolve(String token) {
    if (token == null || token.length() != 43) return Future.succeededFuture(Optional.empty());
    return lookUp(token, System.currentTimeMillis());
  }

  /**
   * Whose session this is, remembered for a few seconds: for the bridge's check of each message to a
   * staff tablet. A pub/sub message can arrive after the next HTTP request does, so no action may
   * rest on this (a logout on another instance was let through that way under load).
   */
  public Future<Optional<StaffAccount>> stillOpen(String token) {
    if (token == null || token.length() != 43) return Future.succeededFuture(Optional.empty());
    long now = System.currentTimeMillis();
    Remembered r = following ? recent.get(token) : null;
    if (r != null && r.until() > now) return Future.succeededFuture(config.staffAccount(r.staffId()));
    return lookUp(token, now);
  }

  private Future<Optional<StaffAccount>> lookUp(String token, long now) {
    long seen = revocations.get();
    return store.send(Request.cmd(Command.GET).arg(key(token))).map(resp -> {
      if (resp == null) {
        recent.remove(token);
        return Optional.<StaffAccount>empty();
      }
      String staffId = resp.toString();
      if (recent.size() > 10_000) recent.clear();
      if (following && revocations.get() == seen) recent.put(token, new Remembered(staffId, now + REMEMBER_MS));
      return config.staffAccount(staffId);
    });
  }

  /** Deletes the session, then tells every instance (this one included) to forget it. */
  public Future<Void> close(String token) {
    revoked(token);
    return store.send(Request.cmd(Command.DEL).arg(key(token)))
        .compose(v -> store.send(Request.cmd(Command.PUBLISH).arg(REVOKED).arg(token)))
        .mapEmpty();
  }

  /** A session closed (on any instance): forget it. */
  void revoked(String token) {
    revocations.incrementAndGet();
    recent.remove(token);
  }

  /** Whether revocations are being received; when that changes, forget everything (some may have been missed). */
  void following(boolean on) {
    following = on;
    revocations.incrementAndGet();
    recent.clear();
  }

  private static String key(String token) {
    return SiteKeys.session(token);
  }
}
