package io.vaxflow.gateway;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * Our cookies (path /, SameSite=Strict), {@code Secure} whenever the browser reached us over
 * HTTPS: the request came over TLS, or from a trusted proxy saying {@code X-Forwarded-Proto:
 * https} ({@link Forwarded}).
 */
public final class SecureCookies {

  private SecureCookies() {}

  /** A cookie of ours: path /, SameSite=Strict, a max age, Secure on HTTPS. */
  public static Cookie cookie(RoutingContext ctx, String name, String value, long maxAgeSec) {
    return Cookie.cookie(name, value).setPath("/").setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSec)
        .setSecure(Forwarded.https(ctx));
  }
}
