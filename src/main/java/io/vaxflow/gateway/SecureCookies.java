package io.vaxflow.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Our cookies (path /, SameSite=Strict), {@code Secure} whenever the browser reached us over
 * HTTPS: the request came over TLS, or from a trusted proxy (by default loopback ones only)
 * saying {@code X-Forwarded-Proto: https}. Anyone else's X-Forwarded-Proto is ignored.
 */
public final class SecureCookies {

  private static final String KEY = "vf.https";

  private SecureCookies() {}

  /** A route handler noting, for {@link #cookie}, whether this request's browser is on HTTPS. */
  public static Handler<RoutingContext> detector(List<String> trustedProxies) {
    List<InetAddress> trusted = new ArrayList<>();
    boolean loopback = false;
    for (String p : trustedProxies) {
      if (p.equals("loopback")) loopback = true;
      else trusted.add(literal(p));
    }
    boolean anyLoopback = loopback;
    return ctx -> {
      ctx.put(KEY, ctx.request().isSSL() || (forwardedHttps(ctx) && trusted(ctx.request().remoteAddress(), anyLoopback, trusted)));
      ctx.next();
    };
  }

  public static boolean https(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(KEY));
  }

  /** A cookie of ours: path /, SameSite=Strict, a max age, Secure on HTTPS. */
  public static Cookie cookie(RoutingContext ctx, String name, String value, long maxAgeSec) {
    return Cookie.cookie(name, value).setPath("/").setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSec)
        .setSecure(https(ctx));
  }

  /** The proto the nearest proxy reports (the last of a list). */
  private static boolean forwardedHttps(RoutingContext ctx) {
    String v = ctx.request().getHeader("X-Forwarded-Proto");
    if (v == null) return false;
    String last = v.substring(v.lastIndexOf(',') + 1).strip();
    return last.equalsIgnoreCase("https");
  }

  private static boolean trusted(SocketAddress peer, boolean loopback, List<InetAddress> trusted) {
    if (peer == null || peer.hostAddress() == null) return false;
    InetAddress a;
    try {
      a = literal(peer.hostAddress());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return (loopback && a.isLoopbackAddress()) || trusted.contains(a);
  }

  /** An IP address literal (never a DNS lookup). */
  public static InetAddress literal(String ip) {
    if (!ip.matches("[0-9.]+|[0-9a-fA-F:.%]*:[0-9a-fA-F:.%]*")) {
      throw new IllegalArgumentException("not an IP address: " + ip);
    }
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + ip, e);
    }
  }
}
