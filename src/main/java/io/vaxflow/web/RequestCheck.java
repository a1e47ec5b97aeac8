package io.vaxflow.web;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Rejection;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A route's request checked against its operation in the contract, before the route's handler: its
 * parameters and its JSON body, each with the operation's schema (vertx-openapi's contract and
 * schema validators). A request that breaks the schema is {@code 400 INVALID_INPUT} naming the
 * field, parameter or header ({@link SchemaErrors}); a malformed path parameter is the 404 of an
 * unknown one. The decoded body and the typed query are kept on the context for the handler
 * ({@link Input#body}, {@link #query}).
 *
 * <p>Synchronous, on the event loop: vertx-openapi's {@code RequestValidator} does the same work on a
 * worker thread (two thread hops per request, and its failure does not say which parameter failed).
 */
final class RequestCheck implements Handler<RoutingContext> {

  static final String BODY = "vf.body";
  private static final String QUERY = "vf.query";

  /** One parameter, its validator and how its failures read. */
  private record Param(Parameter parameter, Validator validator, SchemaErrors errors, boolean text) {}

  private final List<Param> params = new ArrayList<>();
  private final boolean bodyRequired;
  private final Validator body;
  private final SchemaErrors errors;

  /** {@code document}: the contract as written, where the schemas' references point. */
  RequestCheck(Operation op, SchemaRepository schemas, JsonObject document) {
    for (Parameter p : op.getParameters()) {
      params.add(new Param(p, schemas.validator(p.getSchema()), new SchemaErrors(document, p.getSchema()),
          p.getSchemaType() == SchemaType.STRING));
    }
    MediaType json = op.getRequestBody() == null ? null : op.getRequestBody().getContent().get(MediaType.APPLICATION_JSON);
    if (op.getRequestBody() != null && json == null) {
      throw new IllegalStateException(op.getOperationId() + ": a request body is JSON (application/json)");
    }
    this.bodyRequired = op.getRequestBody() != null && op.getRequestBody().isRequired();
    this.body = json == null ? null : schemas.validator(json.getSchema());
    this.errors = new SchemaErrors(document, json == null ? null : json.getSchema());
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    for (Param p : params) {
      String name = p.parameter().getName();
      String raw = raw(ctx, p.parameter());
      if (raw == null) {
        if (p.parameter().isRequired()) throw refusal(p.parameter(), name + " is required.");
        continue;
      }
      Object value = p.text() ? raw : primitive(raw);
      OutputUnit out = p.validator().validate(value);
      if (!out.getValid()) throw refusal(p.parameter(), p.errors().parameterMessage(out, value, name));
      if (p.parameter().getIn() == Location.QUERY) query.put(name, value);
    }
    ctx.put(QUERY, query);
    if (body != null) ctx.put(BODY, body(ctx));
    ctx.next();
  }

  /** The parameter as sent (path parameters as the router decoded them). */
  private static String raw(RoutingContext ctx, Parameter p) {
    return switch (p.getIn()) {
      case PATH -> ctx.pathParam(p.getName());
      case QUERY -> ctx.queryParams().get(p.getName());
      case HEADER -> ctx.request().getHeader(p.getName());
      case COOKIE -> {
        Cookie c = ctx.request().getCookie(p.getName());
        yield c == null ? null : c.getValue();
      }
    };
  }

  /** A path parameter that breaks its schema names nothing that exists: the 404 of an unknown one. */
  private static Rejection refusal(Parameter p, String message) {
    JsonObject field = new JsonObject().put("field", p.getName());
    if (p.getIn() != Location.PATH) return new Rejection(ErrorCode.INVALID_INPUT, message, field);
    ErrorCode unknown = switch (p.getName()) {
      case "site" -> ErrorCode.UNKNOWN_SITE;
      case "station" -> ErrorCode.UNKNOWN_STATION;
      case "number" -> ErrorCode.UNKNOWN_TICKET;
      default -> ErrorCode.NOT_FOUND;
    };
    return new Rejection(unknown, unknown.message(), field);
  }

  /** The body as JSON, checked against the operation's schema. */
  private Object body(RoutingContext ctx) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    // an empty body has no buffer at all (length -1), not a zero-length one
    if (raw == null || raw.length() == 0) {
      if (bodyRequired) throw Rejection.invalid("body", "A JSON object is required.");
      return null;
    }
    String type = ctx.request().getHeader("Content-Type");
    // without a Content-Type the body is read as JSON, as it always was
    if (type != null && !type.toLowerCase(Locale.ROOT).replace(" ", "").startsWith(MediaType.APPLICATION_JSON)) {
      throw Rejection.invalid("body", "The body must be JSON (Content-Type: application/json).");
    }
    Object value;
    try {
      value = Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw Rejection.invalid("body", "The body is not valid JSON.");
    }
    OutputUnit out = body.validate(value);
    if (!out.getValid()) throw errors.rejection(out, value);
    return value;
  }

  /** A query or header value as a number or true/false where it reads as one (its schema then says whether it may), else the text. */
  private static Object primitive(String raw) {
    try {
      Object v = Json.decodeValue(raw);
      return v instanceof Number || v instanceof Boolean ? v : raw;
    } catch (DecodeException e) {
      return raw;
    }
  }

  /** The query parameters the operation declares, typed by their schemas (numbers as numbers). */
  static JsonObject query(RoutingContext ctx) {
    JsonObject q = ctx.get(QUERY);
    return q == null ? new JsonObject() : q;
  }
}
