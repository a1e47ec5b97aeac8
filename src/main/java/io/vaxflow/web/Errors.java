package io.vaxflow.web;

import io.vaxflow.flow.Rejection;
import io.vaxflow.store.StoreUnavailable;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one failure handler of the root router: every error leaves as the API's error JSON. */
final class Errors {

  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  static final Map<String, Integer> STATUS = Map.ofEntries(
      Map.entry("INVALID_INPUT", 400),
      Map.entry("UNAUTHENTICATED", 401), Map.entry("BAD_CREDENTIALS", 401),
      Map.entry("FORBIDDEN", 403),
      Map.entry("NOT_FOUND", 404), Map.entry("UNKNOWN_SITE", 404), Map.entry("UNKNOWN_TICKET", 404),
      Map.entry("UNKNOWN_STATION", 404),
      Map.entry("METHOD_NOT_ALLOWED", 405),
      Map.entry("STATION_BUSY", 409), Map.entry("INVALID_TRANSITION", 409), Map.entry("NOT_CALLED", 409),
      Map.entry("NO_CAPACITY", 409), Map.entry("SITE_CLOSED", 409),
      Map.entry("PAYLOAD_TOO_LARGE", 413), Map.entry("UNSUPPORTED_MEDIA_TYPE", 415),
      Map.entry("VOUCHER_INVALID", 422), Map.entry("VOUCHER_WRONG_SITE", 422), Map.entry("VOUCHER_WRONG_DAY", 422),
      Map.entry("TOO_EARLY", 422), Map.entry("ALREADY_CHECKED_IN", 422), Map.entry("WALK_IN_NOT_ALLOWED", 422),
      Map.entry("RATE_LIMITED", 429),
      Map.entry("UNAVAILABLE", 503));

  private Errors() {}

  static void handle(RoutingContext ctx) {
    Throwable err = ctx.failure();
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (err instanceof Rejection r) {
      if (r.details().containsKey("retryAfterSec")) {
        ctx.response().putHeader("Retry-After", String.valueOf(r.details().getLong("retryAfterSec")));
      }
      send(ctx, STATUS.getOrDefault(r.code(), 400), r.code(), r.getMessage(), r.details());
    } else if (err instanceof StoreUnavailable || isTimeout(err)) {
      LOG.warn("store unavailable for {} {}: {}", ctx.request().method(), ctx.request().path(), err.getMessage());
      ctx.response().putHeader("Retry-After", "2");
      send(ctx, 503, "UNAVAILABLE", "The service is briefly unavailable; please retry in a moment.", null);
    } else if (err == null || ctx.statusCode() != 500 && ctx.statusCode() > 0) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      switch (status) {
        case 413 -> send(ctx, 413, "PAYLOAD_TOO_LARGE", "The request body is larger than 16 KiB.", new JsonObject().put("field", "body"));
        case 404 -> send(ctx, 404, "NOT_FOUND", "There is nothing at this address.", null);
        case 405 -> send(ctx, 405, "METHOD_NOT_ALLOWED", "This address does not take that method.", null);
        case 400 -> send(ctx, 400, "INVALID_INPUT", "The request is malformed.", new JsonObject().put("field", "body"));
        default -> send(ctx, status, status >= 500 ? "INTERNAL" : "INVALID_INPUT", "The request failed.", null);
      }
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), err);
      send(ctx, 500, "INTERNAL", "Something went wrong on our side.", null);
    }
  }

  private static boolean isTimeout(Throwable err) {
    return err instanceof java.util.concurrent.TimeoutException;
  }

  /**
   * A request the HTTP codec itself refused before any route saw it (a URL beyond the line limit,
   * headers too large, a malformed request line): the status Vert.x would give, as error JSON, and
   * the connection closed (its framing cannot be trusted).
   */
  static void invalidRequest(io.vertx.core.http.HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    JsonObject error;
    int status;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      status = 414;
      error = new JsonObject().put("code", "URI_TOO_LONG").put("message", "The request URL is too long.").put("field", "url");
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      status = 431;
      error = new JsonObject().put("code", "HEADERS_TOO_LARGE").put("message", "The request headers are too large.")
          .put("field", "headers");
    } else {
      status = 400;
      error = new JsonObject().put("code", "INVALID_INPUT").put("message", "The request is malformed.").put("field", "request");
    }
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", error).encode());
    req.connection().close();
  }

  static void send(RoutingContext ctx, int status, String code, String message, JsonObject details) {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    if (details != null) details.forEach(e -> error.put(e.getKey(), e.getValue()));
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", error).encode());
  }
}
