package io.vaxflow.support;

import io.vaxflow.web.ApiContract;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Every response a test receives from an {@code /api/} path ({@link TestCity#send}, {@link TestCity#sendRaw})
 * is checked against the API's contract with vertx-openapi's {@link ResponseValidator}: the
 * status is one its operation lists (or its default, an error), the body has that response's schema.
 * A response to a path no operation serves must be the error JSON. A mismatch fails the test that
 * received it. A test sending deliberately broken traffic whose answers the contract cannot
 * describe wraps it in {@link #unchecked}.
 */
public final class ContractCheck {

  private static final ThreadLocal<Boolean> OFF = ThreadLocal.withInitial(() -> false);

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

  /** Checks one response (on the test's thread: it waits for the validator). */
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
      OutputUnit out = contract.getSchemaRepository().validator(JsonSchema.of(error)).validate(Json.decodeValue(body));
      if (!out.getValid()) throw new AssertionError("not the API's error JSON: " + what + "\n  " + errors(out));
      return;
    }
    ValidatableResponse response = body.isEmpty() || mediaType == null
        ? ValidatableResponse.create(status)
        : ValidatableResponse.create(status, Buffer.buffer(body), mediaType);
    try {
      ResponseValidator.create(vertx, contract).validate(response, op.getOperationId()).await();
    } catch (SchemaValidationException e) {
      throw new AssertionError("the response breaks the API's contract (" + op.getOperationId() + "): " + e.getMessage()
          + "\n  " + what + "\n  " + errors(e.getOutputUnit()), e);
    } catch (RuntimeException e) {
      throw new AssertionError("the response breaks the API's contract (" + op.getOperationId() + "): " + e.getMessage()
          + "\n  " + what, e);
    }
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
