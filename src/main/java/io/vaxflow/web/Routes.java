package io.vaxflow.web;

import io.vaxflow.gateway.Access;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Mounts routes with their access rule chained on the route itself and keeps the table of what
 * was declared ({@link #specs()}): {@code routes.post(path, Access.stationKind()).handler(this::next)}.
 * On an API route the path parameters ({@code :site}, {@code :action}, {@code :station}) are
 * checked first (404 for an unknown one, as before any rule), then the session (asked of Redis again
 * if it was remembered, StaffAuth.confirm), then the rule, then the route's own handlers. A device's
 * route ({@link Access#device}) decides its rule before the handlers it names first (its rate limit):
 * a request from anything but the site's device is refused without costing a token. Routes
 * declared through {@link #actingByScript()} skip that second look: their action is a site script,
 * which is handed the session and refuses a closed one in the same round trip. Last before the
 * route's own handlers, the request is checked against the route's operation in the API's
 * contract ({@link ApiContract}, {@link RequestCheck}); an API route the contract does not describe
 * cannot be mounted.
 *
 * <p>{@link #withParams} and {@link #actingByScript} give copies that declare into the same table ({@code specs}).
 */
public record Routes(Router router, ApiContract contract, List<RouteSpec> specs, Handler<RoutingContext> params,
    Handler<RoutingContext> confirm, boolean byScript) {

  /** {@code confirm}: before a staff route, asks Redis for a session that was answered from memory. */
  public Routes(Router router, ApiContract contract, Handler<RoutingContext> confirm) {
    this(router, contract, new ArrayList<>(), null, java.util.Objects.requireNonNull(confirm, "confirm"), false);
  }

  /** The same table, with {@code params} checking the path parameters of each route before its rule. */
  Routes withParams(Handler<RoutingContext> params) {
    return new Routes(router, contract, specs, params, confirm, byScript);
  }

  /**
   * The same table, for routes whose action is a site script run with {@code StaffAuth.actor(ctx)}:
   * the script checks the session, so the route does not ask Redis for it a second time.
   */
  Routes actingByScript() {
    return new Routes(router, contract, specs, params, confirm, true);
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
    boolean hasParams = params != null && route.getPath() != null && route.getPath().contains("/:");
    if (access.needsDevice()) {
      // a device's route: anything but the site's device is refused first, before it draws on a rate limit
      if (hasParams) route.handler(params);
      route.handler(access);
    }
    for (Handler<RoutingContext> h : first) route.handler(h);
    if (hasParams && !access.needsDevice()) route.handler(params);
    if (access.needsStaff() && !byScript) route.handler(confirm);
    if (access.needsStaff()) route.handler(access);
    if (access.rule() != Access.Rule.PLUMBING && route.getPath() != null && route.getPath().startsWith("/api/")) {
      route.handler(check(route));
    }
    return route;
  }

  /** The check of an API route's requests against its operation in the contract. */
  private RequestCheck check(Route route) {
    if (route.methods() == null || route.methods().size() != 1) {
      throw new IllegalStateException(route.getPath() + ": an API route has one method");
    }
    HttpMethod method = route.methods().iterator().next();
    Operation op = contract.operation(method, route.getPath()).orElseThrow(() -> new IllegalStateException(
        method + " " + route.getPath() + " is not in the API's contract: describe it in " + ApiContract.RESOURCE));
    return new RequestCheck(op, contract.contract().getSchemaRepository(), contract.document());
  }

  /** Every route declared so far, in mounting order. */
  @Override
  public List<RouteSpec> specs() {
    return Collections.unmodifiableList(specs);
  }
}
