package io.vaxflow.web;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vaxflow.store.StoreUnavailable;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one failure handler of the root router: every error leaves as the API's error JSON. */
final class Errors {

  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

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
      send(ctx, r.status(), r.code(), r.getMessage(), r.details());
    } else if (err instanceof StoreUnavailable || isTimeout(err)) {
      // logged where it is met, once a minute at most (store/StoreOutages): not once per request
      LOG.debug("store unavailable for {} {}: {}", ctx.request().method(), ctx.request().path(), err.getMessage());
      ctx.response().putHeader("Retry-After", "2");
      send(ctx, ErrorCode.UNAVAILABLE, null);
    } else if (err == null || ctx.statusCode() != 500 && ctx.statusCode() > 0) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      switch (status) {
        case 413 -> send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, new JsonObject().put("field", "body"));
        case 404 -> send(ctx, ErrorCode.NOT_FOUND, null);
        case 405 -> send(ctx, ErrorCode.METHOD_NOT_ALLOWED, null);
        case 400 -> send(ctx, ErrorCode.INVALID_INPUT, new JsonObject().put("field", "body"));
        default -> send(ctx, status, (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_INPUT).code(), "The request failed.", null);
      }
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), err);
      send(ctx, ErrorCode.INTERNAL, null);
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
    ErrorCode code;
    String field;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      code = ErrorCode.URI_TOO_LONG;
      field = "url";
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      code = ErrorCode.HEADERS_TOO_LARGE;
      field = "headers";
    } else {
      code = ErrorCode.INVALID_INPUT;
      field = "request";
    }
    JsonObject error = new JsonObject().put("code", code.code()).put("message", code.message()).put("field", field);
    req.response().setStatusCode(code.status()).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", error).encode());
    req.connection().close();
  }

  /** The code's status and its catalogue message. */
  static void send(RoutingContext ctx, ErrorCode code, JsonObject details) {
    send(ctx, code, code.message(), details);
  }

  static void send(RoutingContext ctx, ErrorCode code, String message, JsonObject details) {
    send(ctx, code.status(), code.code(), message, details);
  }

  static void send(RoutingContext ctx, int status, String code, String message, JsonObject details) {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    if (details != null) details.forEach(e -> error.put(e.getKey(), e.getValue()));
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", error).encode());
  }
}
