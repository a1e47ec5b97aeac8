package io.vaxflow.gateway;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Staff sessions, kept in Redis ({@code vf:session:<token>} → staff id, with a TTL), so any server
 * instance accepts them and a restart loses none.
 *
 * <p>A resolved session is remembered for a few seconds ({@link #remembered}), so a station action
 * costs one Redis round trip, not two. Remembering never lets a closed session act: a logout
 * ({@link #close}) first marks the token closed in every site's hash slot ({@code vf:{<site>}:closed:<token>},
 * for {@link #CLOSED_MARK}), and every site script run for a staff member is handed the token and
 * refuses a closed one in the same round trip (lua/lib/core.lua). A request that runs no such script
 * asks Redis for the session again when it was remembered (StaffAuth.confirm). The logout is also
 * published on {@link #REVOKED}, so every instance forgets the session as soon as the message
 * arrives ({@link Revocations}); only while that subscription is up is anything remembered.
 */
public final class Sessions {

  public static final String COOKIE = "vf_session";
  public static final Duration TTL = Duration.ofHours(12);
  private static final long REMEMBER_MS = 5_000;
  /** How long a closed token stays marked: far longer than any instance remembers a session. */
  static final Duration CLOSED_MARK = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final java.util.regex.Pattern WELL_FORMED = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");
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
    if (!wellFormed(token)) return Future.succeededFuture(Optional.empty());
    return lookUp(token, System.currentTimeMillis());
  }

  /**
   * Whose session this is, remembered for a few seconds. Who a token belongs to never changes; only
   * whether it is still open does, and that is checked where it matters: by the site script that acts
   * with it, or by {@link #resolve} again (a pub/sub message can arrive after the next request does).
   */
  public Future<Optional<StaffAccount>> remembered(String token) {
    if (!wellFormed(token)) return Future.succeededFuture(Optional.empty());
    long now = System.currentTimeMillis();
    Remembered r = following ? recent.get(token) : null;
    if (r != null && r.until() > now) return Future.succeededFuture(config.staffAccount(r.staffId()));
    return lookUp(token, now);
  }

  /** Whether {@link #remembered} would answer from memory now, without asking Redis. */
  public boolean inMemory(String token) {
    Remembered r = following && token != null ? recent.get(token) : null;
    return r != null && r.until() > System.currentTimeMillis();
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

  /**
   * Marks the token closed in every site of the city (a site script refuses it from then on, on any
   * instance, however long the session is remembered there), deletes the session, then tells every
   * instance (this one included) to forget it.
   */
  public Future<Void> close(String token) {
    if (!wellFormed(token)) return Future.succeededFuture();
    revoked(token);
    // only an open session is marked: a stranger's logouts with made-up tokens write nothing
    return store.send(Request.cmd(Command.GET).arg(key(token))).compose(open -> {
      if (open == null) return Future.succeededFuture();
      List<Future<?>> marks = new ArrayList<>();
      for (SiteConfig site : config.sites()) marks.add(mark(site.id(), token));
      for (SiteConfig site : config.remoteSites()) marks.add(mark(site.id(), token)); // harmless where another Redis holds it
      return Future.all(marks)
          .compose(v -> store.send(Request.cmd(Command.DEL).arg(key(token))))
          .compose(v -> store.send(Request.cmd(Command.PUBLISH).arg(REVOKED).arg(token)));
    }).mapEmpty();
  }

  /** What {@link #open} issues: 43 characters of URL-safe Base64 (so a key name holds nothing else). */
  private static boolean wellFormed(String token) {
    return token != null && WELL_FORMED.matcher(token).matches();
  }

  private Future<?> mark(String site, String token) {
    return store.send(Request.cmd(Command.SET).arg(SiteKeys.Site.CLOSED_SESSION.of(site, token)).arg("1")
        .arg("EX").arg(CLOSED_MARK.toSeconds()));
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
