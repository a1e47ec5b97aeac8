package io.vaxflow.web;

import io.vaxflow.gateway.Access;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Mounts routes with their access rule chained on the route itself and keeps the table of what
 * was declared ({@link #specs()}): {@code routes.post(path, Access.stationKind()).handler(this::next)}.
 * On an API route the path parameters ({@code :site}, {@code :action}, {@code :station}) are
 * checked first (404 for an unknown one, as before any rule), then the session (asked of Redis again
 * if it was remembered, StaffAuth.confirm), then the rule, then the route's own handlers. Routes
 * declared through {@link #actingByScript()} skip that second look: their action is a site script,
 * which is handed the session and refuses a closed one in the same round trip.
 */
public final class Routes {

  private final Router router;
  private final List<RouteSpec> specs;
  private final Handler<RoutingContext> params;
  private final Handler<RoutingContext> confirm;
  private final boolean byScript;

  /** {@code confirm}: before a staff route, asks Redis for a session that was answered from memory. */
  public Routes(Router router, Handler<RoutingContext> confirm) {
    this(router, new ArrayList<>(), null, java.util.Objects.requireNonNull(confirm, "confirm"), false);
  }

  private Routes(Router router, List<RouteSpec> specs, Handler<RoutingContext> params, Handler<RoutingContext> confirm,
      boolean byScript) {
    this.router = router;
    this.specs = specs;
    this.params = params;
    this.confirm = confirm;
    this.byScript = byScript;
  }

  /** The same table, with {@code params} checking the path parameters of each route before its rule. */
  Routes withParams(Handler<RoutingContext> params) {
    return new Routes(router, specs, params, confirm, byScript);
  }

  /**
   * The same table, for routes whose action is a site script run with {@code StaffAuth.actor(ctx)}:
   * the script checks the session, so the route does not ask Redis for it a second time.
   */
  Routes actingByScript() {
    return new Routes(router, specs, params, confirm, true);
  }

  public Router router() {
    return router;
  }

  @SafeVarargs
  public final Route get(String path, Access access, Handler<RoutingContext>... first) {
    return declare(router.get(path), access, first);
  }

  @SafeVarargs
  public final Route post(String path, Access access, Handler<RoutingContext>... first) {
    return declare(router.post(path), access, first);
  }

  @SafeVarargs
  public final Route put(String path, Access access, Handler<RoutingContext>... first) {
    return declare(router.put(path), access, first);
  }

  /**
   * Declares a route made otherwise (middleware, a regex route, a sub-router) with its rule;
   * {@code first} run before anything else (a rate limit that counts every request).
   */
  @SafeVarargs
  public final Route declare(Route route, Access access, Handler<RoutingContext>... first) {
    specs.addAll(RouteSpec.of(route, access));
    for (Handler<RoutingContext> h : first) route.handler(h);
    if (params != null && route.getPath() != null && route.getPath().contains("/:")) route.handler(params);
    if (access.needsStaff() && !byScript) route.handler(confirm);
    if (access.needsStaff()) route.handler(access);
    return route;
  }

  /** Every route declared so far, in mounting order. */
  public List<RouteSpec> specs() {
    return Collections.unmodifiableList(specs);
  }
}
