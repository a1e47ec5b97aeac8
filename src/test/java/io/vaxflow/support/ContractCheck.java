package io.vaxflow.support;

import io.vaxflow.web.ApiContract;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.contract.Operation;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every response a test receives from an {@code /api/} path ({@link TestCity#send}, {@link TestCity#sendRaw})
 * is checked against the API's contract with the contract's own JSON Schema validators (vertx-openapi's): the
 * status is one its operation lists (or its default, an error), the body has that response's schema.
 * A response to a path no operation serves must be the error JSON. A mismatch fails the test that
 * received it. A test sending deliberately broken traffic whose answers the contract cannot
 * describe wraps it in {@link #unchecked}.
 */
public final class ContractCheck {

  private static final ThreadLocal<Boolean> OFF = ThreadLocal.withInitial(() -> false);
  private static final Map<String, Validator> VALIDATORS = new ConcurrentHashMap<>();

  private ContractCheck() {}

  /** Runs {@code call} without checking the responses it receives. */
  public static <T> T unchecked(Supplier<T> call) {
    boolean was = OFF.get();
    OFF.set(true);
    try {
      return call.get();
    } finally {
      OFF.set(was);
    }
  }

  /** Checks one response (on the test's thread: it waits for the contract once). */
  public static void response(Vertx vertx, HttpMethod method, String uri, int status, MultiMap headers, String body) {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    if (!path.startsWith("/api/") || OFF.get()) return;
    OpenAPIContract contract = ApiContract.load(vertx).await().contract();
    String type = headers.get("Content-Type");
    String mediaType = type == null ? null : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
    Operation op = contract.findOperation(path, method);
    String what = method + " " + uri + " → " + status + " " + (body.length() > 400 ? body.substring(0, 400) + "…" : body);
    if (op == null) {
      // a path or method the contract does not serve: the router's error JSON
      if (status < 400 || !"application/json".equals(mediaType)) throw new AssertionError("no operation of the contract answers " + what);
      JsonObject error = contract.getRawContract().getJsonObject("components").getJsonObject("schemas").getJsonObject("Error");
      OutputUnit out = validator(contract, "#/components/schemas/Error", () -> JsonSchema.of(error)).validate(Json.decodeValue(body));
      if (!out.getValid()) throw new AssertionError("not the API's error JSON: " + what + "\n  " + errors(out));
      return;
    }
    String operation = op.getOperationId();
    Response declared = op.getResponse(status) != null ? op.getResponse(status) : op.getDefaultResponse();
    if (declared == null) throw new AssertionError("status " + status + " is not one " + operation + " lists: " + what);
    for (Parameter header : declared.getHeaders()) {
      String value = headers.get(header.getName());
      if (value == null) {
        if (header.isRequired()) throw new AssertionError(operation + " answers " + status + " without its header " + header.getName());
        continue;
      }
      Object typed = "string".equals(header.getSchema().get("type")) ? value : json(value, operation + ": header " + header.getName());
      OutputUnit out = validator(contract, operation + " " + status + " " + header.getName(), header::getSchema).validate(typed);
      if (!out.getValid()) throw new AssertionError(operation + ": header " + header.getName() + ": " + value + "\n  " + errors(out));
    }
    if (body.isEmpty() || mediaType == null || declared.getContent().isEmpty()) return;
    MediaType media = declared.getContent().get(mediaType);
    if (media == null) throw new AssertionError(operation + " answers " + status + " with no " + mediaType + ": " + what);
    if (!mediaType.endsWith("json") || media.getSchema() == null) return;
    OutputUnit out = validator(contract, operation + " " + status + " " + mediaType, media::getSchema).validate(json(body, what));
    if (!out.getValid()) {
      throw new AssertionError("the response breaks the API's contract (" + operation + "): " + what + "\n  " + errors(out));
    }
  }

  private static Object json(String text, String what) {
    try {
      return Json.decodeValue(text);
    } catch (io.vertx.core.json.DecodeException e) {
      throw new AssertionError("not JSON: " + what + ": " + e.getMessage(), e);
    }
  }

  /** A schema's validator, built once per JVM (building one costs ~0.2 ms, using it a few microseconds). */
  private static Validator validator(OpenAPIContract contract, String key, Supplier<JsonSchema> schema) {
    return VALIDATORS.computeIfAbsent(key, k -> contract.getSchemaRepository().validator(schema.get()));
  }

  private static String errors(OutputUnit out) {
    if (out == null || out.getErrors() == null) return "";
    StringBuilder b = new StringBuilder();
    for (OutputUnit e : out.getErrors()) {
      b.append(e.getInstanceLocation()).append(": ").append(e.getError()).append(" (").append(e.getKeywordLocation()).append(")\n  ");
    }
    return b.toString();
  }
}
