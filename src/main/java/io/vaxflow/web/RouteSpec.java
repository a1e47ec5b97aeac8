package io.vaxflow.web;

import io.vaxflow.gateway.Access;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * One declared route: its method ("*" for a route of every method), its path as the router keeps
 * it (a regex route by its regex, "(none)" for a route of every path) and who may call it.
 */
public record RouteSpec(String method, String path, Access access) {

  /** "POST /api/v1/sites/:site/door/scan". */
  public String key() {
    return method + " " + path;
  }

  /** The specs of a route the router holds, one per method. */
  static List<RouteSpec> of(Route r, Access access) {
    String path = r.getPath() != null ? r.getPath() : r.getName() != null ? r.getName() : "(none)";
    List<RouteSpec> out = new ArrayList<>();
    if (r.methods() == null || r.methods().isEmpty()) out.add(new RouteSpec("*", path, access));
    else for (HttpMethod m : r.methods()) out.add(new RouteSpec(m.name(), path, access));
    return out;
  }
}
