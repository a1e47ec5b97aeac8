package io.vaxflow.web;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API's one contract: {@code src/main/resources/openapi/vaxflow.yaml} (OpenAPI 3.1), read
 * once at start. It is served as JSON at {@code GET /api/v1/openapi.json}, and every API route
 * validates its requests against its operation ({@link RequestCheck}) before the route's handler
 * runs; {@link Routes} refuses to mount an API route the document does not describe.
 *
 * <p>vertx-openapi 5.0 validates JSON and text bodies only and refuses a contract that names another
 * media type, so the copy it is given leaves out the pages' {@code text/html} and the CSV: those
 * bodies are described, not validated.
 *
 * <p>{@code document}: as written (YAML read into JSON); {@code json}: the document as served; {@code contract}: as
 * vertx-openapi holds it (for validating responses in tests); {@code byRoute}: its operations by method and path.
 */
public record ApiContract(JsonObject document, Buffer json, OpenAPIContract contract, Map<String, Operation> byRoute) {

  /** Where the document is, on the class path. */
  public static final String RESOURCE = "openapi/vaxflow.yaml";

  private static volatile ApiContract loaded;

  private static ApiContract of(JsonObject document, OpenAPIContract contract) {
    Map<String, Operation> byRoute = new HashMap<>();
    for (Path p : contract.getPaths()) {
      for (Operation op : p.getOperations()) byRoute.put(op.getHttpMethod().name() + " " + p.getName(), op);
    }
    return new ApiContract(document, document.toBuffer(), contract, Map.copyOf(byRoute));
  }

  /**
   * The contract, read and checked against the OpenAPI 3.1 schema the first time (a few hundred
   * milliseconds), then kept: it is the same for every server of this process.
   */
  public static Future<ApiContract> load(Vertx vertx) {
    ApiContract c = loaded;
    if (c != null) return Future.succeededFuture(c);
    JsonObject document = read();
    return OpenAPIContract.from(vertx, validatable(document)).map(contract -> {
      ApiContract made = of(document, contract);
      loaded = made;
      return made;
    });
  }

  /** The document as written (YAML read into JSON). */
  public static JsonObject read() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path");
      @SuppressWarnings("unchecked")
      Map<String, Object> map = new YAMLMapper().readValue(in, Map.class);
      return new JsonObject(map);
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE, e);
    }
  }

  /** A copy without the media types vertx-openapi cannot validate (and would refuse the contract for). */
  static JsonObject validatable(JsonObject document) {
    JsonObject copy = document.copy();
    for (String path : copy.getJsonObject("paths").fieldNames()) {
      JsonObject item = copy.getJsonObject("paths").getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.getValue("responses") instanceof JsonObject responses) {
          responses.forEach(r -> describedOnly(r.getValue()));
        }
      }
    }
    copy.getJsonObject("components").getJsonObject("responses").forEach(r -> describedOnly(r.getValue()));
    return copy;
  }

  private static void describedOnly(Object response) {
    if (response instanceof JsonObject r && r.getValue("content") instanceof JsonObject content) {
      content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
      if (content.isEmpty()) r.remove("content");
    }
  }

  /** The operation of a route as the router writes it ({@code POST}, {@code /api/v1/sites/:site/checkins}). */
  public Optional<Operation> operation(HttpMethod method, String routerPath) {
    return Optional.ofNullable(byRoute.get(method.name() + " " + openApiPath(routerPath)));
  }

  /** {@code /sites/:site/kiosk} as OpenAPI writes it: {@code /sites/{site}/kiosk}. */
  public static String openApiPath(String routerPath) {
    return routerPath.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
  }
}
