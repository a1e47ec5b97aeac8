package io.vaxflow.gateway;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * CSRF protection for staff pages (besides SameSite=Strict session cookies): a state-changing
 * request made with a live staff session must echo the {@code vf_csrf} cookie in an
 * {@code X-CSRF-Token} header (double submit), and a cross-origin or {@code null} {@code Origin} is
 * refused (login included, which has no session yet).
 */
public final class CsrfGuard {

  public static final String COOKIE = "vf_csrf";
  public static final String HEADER = "X-CSRF-Token";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final SecureRandom RANDOM = new SecureRandom();

  private CsrfGuard() {}

  /** A fresh token, set as a cookie scripts of our pages can read (not HttpOnly, by design). */
  public static String issue(RoutingContext ctx) {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    ctx.response().addCookie(SecureCookies.cookie(ctx, COOKIE, token, Sessions.TTL.toSeconds()));
    return token;
  }

  public static void check(RoutingContext ctx) {
    if (SAFE.contains(ctx.request().method())) {
      ctx.next();
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    // "null" is an opaque origin (a sandboxed frame, a file, a data: URL): never ours
    if (origin != null && (origin.equals("null") || !sameHost(origin, ctx.request().authority() == null
        ? ctx.request().getHeader("Host") : ctx.request().authority().toString()))) {
      throw new Rejection(ErrorCode.FORBIDDEN, "Cross-origin requests are not accepted.");
    }
    if (StaffAuth.staff(ctx).isPresent()) { // a live staff session: the request must prove it comes from our page
      Cookie c = ctx.request().getCookie(COOKIE);
      String header = ctx.request().getHeader(HEADER);
      if (c == null || header == null || !MessageDigest.isEqual(
          c.getValue().getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII))) {
        throw new Rejection(ErrorCode.FORBIDDEN, "Missing or wrong CSRF token; reload the page.",
            new io.vertx.core.json.JsonObject().put("reason", "CSRF"));
      }
    }
    ctx.next();
  }

  private static boolean sameHost(String origin, String host) {
    if (host == null) return false;
    int scheme = origin.indexOf("://");
    return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
  }
}
