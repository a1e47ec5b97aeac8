package io.vaxflow.gateway;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.flow.Rejection;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Who is asking: resolves the session cookie and the rules of who may call a route are {@link Access}. */
public final class StaffAuth {

  private static final String KEY = "staff";
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
    sessions.resolve(c.getValue()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ar.result().ifPresent(s -> ctx.put(KEY, s));
      ctx.next();
    });
  }

  public static Optional<StaffAccount> staff(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(KEY));
  }

  /** The signed-in staff member, or 401: what a route behind an {@link Access} rule acts as. */
  public static StaffAccount current(RoutingContext ctx) {
    return staff(ctx).orElseThrow(() -> new Rejection(ErrorCode.UNAUTHENTICATED, "Log in first."));
  }
}
