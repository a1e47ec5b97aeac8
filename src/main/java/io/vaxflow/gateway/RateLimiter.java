package io.vaxflow.gateway;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.config.VaxflowConfig.Bucket;
import io.vaxflow.flow.Rejection;
import io.vaxflow.store.Script;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The current limit at the entrance: token buckets in Redis (one script, one round trip) per
 * client address and route class, and the login lockout. Check-in takes its buckets (its kiosk's,
 * the site's) inside its own script, so a check-in stays one round trip ({@link #kioskKeys}); only
 * the site's enrolled kiosks reach them, so no crowd of strangers can empty the site's bucket.
 */
public final class RateLimiter {

  /** Route classes with a per-address bucket each. */
  public enum RouteClass { BOOKING, LOOKUP, LOGIN }

  private final Scripts store;
  private final VaxflowConfig.Limits limits;
  private final ScriptArgs.Limit codes;

  public RateLimiter(Scripts store, VaxflowConfig config) {
    this.store = store;
    this.limits = config.limits();
    int perHour = config.bookings().codesPerAddressHour();
    this.codes = new ScriptArgs.Limit(perHour / 3600.0, perHour);
  }

  /** Takes one of the client address's one-time codes ({@code booking.codesPerAddressHour}), else fails with 429. */
  public Future<Void> codes(String address) {
    return limit(List.of(SiteKeys.routeBucket(address, "code")), List.of(codes));
  }

  /** A route handler taking one token of the client's bucket for that class, else 429. */
  public Handler<RoutingContext> per(RouteClass cls) {
    Bucket b = bucket(cls);
    return ctx -> {
      String key = SiteKeys.routeBucket(address(ctx), cls.name().toLowerCase());
      limit(List.of(key), List.of(new ScriptArgs.Limit(b.rate(), b.burst())))
          .onSuccess(v -> ctx.next()).onFailure(ctx::fail);
    };
  }

  /** The kiosk's buckets for a check-in (the kiosk, the whole site), in the site's hash slot. */
  public static List<String> kioskKeys(String site, DeviceCaller kiosk) {
    return kioskKeys(site, kiosk.key());
  }

  /** The same, by the kiosk's key ({@link DeviceCaller#key}). */
  public static List<String> kioskKeys(String site, String kiosk) {
    return SiteKeys.kioskBuckets(site, kiosk);
  }

  /**
   * Before the appointment registry is asked about a voucher: the kiosk still enrolled (DEVICE_REVOKED), then one
   * token of its bucket and of the site's, else 429 (one round trip, kiosk_gate.lua). {@code nowMs}: the site's clock,
   * the one the check-in script draws on the same buckets by.
   */
  public Future<Void> kioskGate(String site, DeviceCaller kiosk, long nowMs) {
    List<String> keys = new java.util.ArrayList<>();
    keys.add(SiteKeys.prefix(site));
    keys.addAll(kioskKeys(site, kiosk));
    Scripts.At at = new Scripts.At(keys, nowMs, "", "gateway");
    return store.run(Script.KIOSK_GATE, at, new ScriptArgs.KioskGate(kiosk.hash(), kioskLimits())).compose(reply -> {
      if (!reply.containsKey("err")) return Future.succeededFuture();
      String code = reply.getString("err");
      if (!"RATE_LIMITED".equals(code)) return Future.failedFuture(ErrorCode.of(code).map(Rejection::of).orElseGet(() -> new Rejection(code, code)));
      return Future.failedFuture(limited(reply.getLong("retryAfterMs", 1000L)));
    });
  }

  /** Rate and burst of the kiosk buckets, in the order of {@link #kioskKeys}. */
  public List<ScriptArgs.Limit> kioskLimits() {
    return List.of(new ScriptArgs.Limit(limits.kiosk().rate(), limits.kiosk().burst()),
        new ScriptArgs.Limit(limits.site().rate(), limits.site().burst()));
  }

  /**
   * Fails with 429 while the tablet is locked out (too many wrong PINs on it, for any staff ids), or
   * while the staff id is slowed down (too many wrong PINs for it from every tablet) and this tablet
   * is one that failed for it. Only the site's enrolled tablets reach the guard ({@link Access#device}):
   * a stranger's guesses never count against a tablet, nor refuse the staff member's right PIN on a
   * tablet of their own (see login_guard.lua). {@code tablet}: a tablet's key ({@link DeviceCaller#key}).
   */
  public Future<Void> loginAllowed(String staffId, String tablet) {
    return guard(staffId, tablet, "check");
  }

  public Future<Void> loginFailed(String staffId, String tablet) {
    return guard(staffId, tablet, "failed");
  }

  public Future<Void> loginSucceeded(String staffId, String tablet) {
    return guard(staffId, tablet, "succeeded");
  }

  /** The browser's address: behind a trusted proxy, the one it reports ({@link Forwarded#client}). */
  public static String address(RoutingContext ctx) {
    return Forwarded.client(ctx);
  }

  private Future<Void> guard(String staffId, String address, String mode) {
    return refused(store.run(Script.LOGIN_GUARD, at(SiteKeys.loginGuard(staffId, address)),
        new ScriptArgs.LoginGuard(mode, limits.loginFailures(), limits.lockoutSec())));
  }

  private Bucket bucket(RouteClass cls) {
    return switch (cls) {
      case BOOKING -> limits.booking();
      case LOOKUP -> limits.lookup();
      case LOGIN -> limits.login();
    };
  }

  private Future<Void> limit(List<String> keys, List<ScriptArgs.Limit> limits) {
    return refused(store.run(Script.RATE_LIMIT, at(keys), new ScriptArgs.RateLimit(limits)));
  }

  private static Scripts.At at(List<String> keys) {
    return new Scripts.At(keys, System.currentTimeMillis(), "", "gateway");
  }

  /** A refusal ({@code err} in the reply) as 429. */
  private static Future<Void> refused(Future<JsonObject> script) {
    return script.compose(reply -> {
      if (!reply.containsKey("err")) return Future.succeededFuture();
      return Future.failedFuture(limited(reply.getLong("retryAfterMs", 1000L)));
    });
  }

  public static Rejection limited(long retryAfterMs) {
    long sec = Math.max(1, (retryAfterMs + 999) / 1000);
    return new Rejection(ErrorCode.RATE_LIMITED, "Too many requests; please wait " + sec + " s and try again.",
        new JsonObject().put("retryAfterSec", sec));
  }
}
