package io.vaxflow.gateway;

import io.netty.util.NetUtil;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a request's trusted proxies (by default loopback ones only, such as an nginx on the same
 * machine) say about the browser behind them: its address ({@code X-Forwarded-For}) and whether it
 * used HTTPS ({@code X-Forwarded-Proto}). Anyone else's headers are ignored: a browser that
 * connects directly is its own peer address, whatever it claims.
 */
public final class Forwarded {

  private static final String HTTPS = "vf.https";
  private static final String CLIENT = "vf.client";

  private final boolean loopback;
  private final List<InetAddress> proxies = new ArrayList<>();

  private Forwarded(List<String> trustedProxies) {
    boolean anyLoopback = false;
    for (String p : trustedProxies) {
      if (p.equals("loopback")) anyLoopback = true;
      else proxies.add(literal(p));
    }
    this.loopback = anyLoopback;
  }

  /** A route handler noting, for {@link #client} and {@link #https}, who this request's browser is. */
  public static Handler<RoutingContext> detector(List<String> trustedProxies) {
    Forwarded trust = new Forwarded(trustedProxies);
    return ctx -> {
      String peerIp = peer(ctx);
      boolean viaProxy = trust.trusts(peerIp);
      ctx.put(HTTPS, ctx.request().isSSL() || (viaProxy && forwardedHttps(ctx)));
      ctx.put(CLIENT, viaProxy ? trust.behind(peerIp, ctx.request().headers().getAll("X-Forwarded-For")) : peerIp);
      ctx.next();
    };
  }

  /** The browser's address: behind trusted proxies the nearest address they did not vouch for, else the peer's. */
  public static String client(RoutingContext ctx) {
    String client = ctx.get(CLIENT);
    return client != null ? client : peer(ctx);
  }

  private static String peer(RoutingContext ctx) {
    SocketAddress peer = ctx.request().remoteAddress();
    return peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
  }

  /** Whether the browser reached us over HTTPS (directly, or through a trusted proxy saying so). */
  public static boolean https(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(HTTPS));
  }

  /**
   * Walks {@code X-Forwarded-For} from its end (each proxy appends the address it was connected
   * from) while the hops are trusted proxies; the first other address is the browser. A list a
   * trusted proxy garbled stops the walk at that proxy.
   */
  private String behind(String peer, List<String> headers) {
    List<String> hops = new ArrayList<>();
    for (String h : headers) {
      for (String hop : h.split(",")) hops.add(hop.strip());
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0 && trusts(client); i--) {
      try {
        client = literal(hops.get(i)).getHostAddress();
      } catch (IllegalArgumentException garbled) {
        return client;
      }
    }
    return client;
  }

  private boolean trusts(String ip) {
    try {
      InetAddress a = literal(ip);
      return (loopback && a.isLoopbackAddress()) || proxies.contains(a);
    } catch (IllegalArgumentException notAnAddress) {
      return false;
    }
  }

  /** The proto the nearest proxy reports (the last of a list). */
  private static boolean forwardedHttps(RoutingContext ctx) {
    String v = ctx.request().getHeader("X-Forwarded-Proto");
    if (v == null) return false;
    String last = v.substring(v.lastIndexOf(',') + 1).strip();
    return last.equalsIgnoreCase("https");
  }

  /** An IP address literal (never a DNS lookup). */
  public static InetAddress literal(String ip) {
    byte[] bytes = ip.length() > 64 ? null : NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) throw new IllegalArgumentException("not an IP address: " + ip);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + ip, e);
    }
  }
}
