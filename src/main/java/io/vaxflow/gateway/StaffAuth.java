package io.vaxflow.gateway;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.flow.Actor;
import io.vaxflow.flow.Rejection;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Who is asking: resolves the session cookie; the rules of who may call a route are {@link Access}.
 *
 * <p>The session may be answered from memory ({@link Sessions#remembered}). A route whose action is a
 * site script hands the script the token ({@link #actor}), which refuses a closed session in the same
 * round trip; every other staff route is preceded by {@link #confirm}, which asks Redis again when the
 * answer came from memory. Either way a logout on any instance holds for the very next request.
 */
public final class StaffAuth {

  private static final String KEY = "staff";
  private static final String TOKEN = "staff.session";
  private static final String CONFIRMED = "staff.confirmed";
  private final Sessions sessions;

  public StaffAuth(Sessions sessions) {
    this.sessions = sessions;
  }

  /** Puts the logged-in staff member (if any) on the context; never rejects by itself. */
  public void identify(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(Sessions.COOKIE);
    if (c == null) {
      ctx.next();
      return;
    }
    String token = c.getValue();
    boolean fromMemory = sessions.inMemory(token);
    sessions.remembered(token).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ar.result().ifPresent(s -> {
        ctx.put(KEY, s);
        ctx.put(TOKEN, token);
        ctx.put(CONFIRMED, !fromMemory);
      });
      ctx.next();
    });
  }

  /**
   * Before a staff route that runs no site script: a session answered from memory is asked of Redis
   * again, and a closed one is forgotten here (its {@link Access} rule then answers 401).
   */
  public void confirm(RoutingContext ctx) {
    String token = ctx.get(TOKEN);
    if (token == null || Boolean.TRUE.equals(ctx.get(CONFIRMED))) {
      ctx.next();
      return;
    }
    sessions.resolve(token).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (ar.result().isEmpty()) ctx.remove(KEY);
      ctx.put(CONFIRMED, true);
      ctx.next();
    });
  }

  public static Optional<StaffAccount> staff(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(KEY));
  }

  /** The signed-in staff member, or 401: what a route behind an {@link Access} rule acts as. */
  public static StaffAccount current(RoutingContext ctx) {
    return staff(ctx).orElseThrow(() -> Rejection.of(ErrorCode.UNAUTHENTICATED));
  }

  /** The signed-in staff member with their session, as a site script is run by them (or 401). */
  public static Actor actor(RoutingContext ctx) {
    return Actor.staff(current(ctx).id(), ctx.get(TOKEN));
  }
}
