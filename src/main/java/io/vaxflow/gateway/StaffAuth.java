package io.vaxflow.gateway;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.StaffAccount.Role;
import io.vaxflow.flow.Rejection;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Optional;

/** Who is asking: resolves the session cookie and guards staff routes by role and site. */
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

  /** The staff member working at this site, or 401/403. */
  public static StaffAccount require(RoutingContext ctx, String siteId, Role... anyOf) {
    StaffAccount s = staff(ctx).orElseThrow(() -> new Rejection(ErrorCode.UNAUTHENTICATED, "Log in first."));
    if (!s.worksAt(siteId)) throw new Rejection(ErrorCode.FORBIDDEN, "You do not work at this site.");
    if (anyOf.length > 0 && !s.runsSites() && Arrays.stream(anyOf).noneMatch(s::has)) {
      throw new Rejection(ErrorCode.FORBIDDEN, "Your role does not allow this.");
    }
    return s;
  }
}
