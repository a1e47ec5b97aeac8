package io.vaxflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.gateway.Access;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.ContractCheck;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP API's one contract (src/main/resources/openapi/vaxflow.yaml): it is a valid OpenAPI 3.1
 * document, served at GET /api/v1/openapi.json; it describes every route the server mounts and no
 * route the server lacks, each with the access its rule declares; requests that break it get
 * 400 INVALID_INPUT naming the field; and the check every test's API responses pass
 * ({@link ContractCheck}) refuses a response that strays from it.
 */
class ApiContractTest {

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private static TestCity city;
  private static JsonObject document;
  private static String manager;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start());

  @BeforeAll
  static void start() {
    document = ApiContract.read();
    manager = city.login("manager", "2468");
  }

  // ---- the document ----

  @Test
  void theDocumentIsValidOpenApi31() {
    assertEquals("3.1.0", document.getString("openapi"));
    // the whole document as written (pages and CSV included) against the OpenAPI 3.1 schema
    SchemaRepository repo = OpenAPIVersion.V3_1.getRepository(city.vertx, "app://").await();
    OutputUnit out = OpenAPIVersion.V3_1.validateContract(city.vertx, repo, document).await();
    assertTrue(out.getValid(), () -> "not valid OpenAPI 3.1: " + out.toJson().encodePrettily());
    // and as vertx-openapi loads it (its own checks too: operation ids, media types, paths)
    ApiContract contract = ApiContract.load(city.vertx).await();
    assertNotNull(contract.contract().operation("checkIn"));
  }

  @Test
  void itIsServedAsJsonAtApiV1OpenapiJson() {
    Reply r = city.get("/api/v1/openapi.json");
    assertEquals(200, r.status(), r.body());
    assertTrue(r.headers().get("Content-Type").startsWith("application/json"), r.headers().get("Content-Type"));
    assertEquals(document, r.json(), "the served document is the file, as JSON");
  }

  @Test
  void theErrorCodesAreTheCatalogue() {
    JsonArray codes = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("ErrorCode").getJsonArray("enum");
    assertEquals(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList(), codes.getList());
  }

  // ---- every route, and nothing else ----

  @Test
  void everyRouteIsInTheDocumentAndEveryOperationIsARoute() {
    Set<String> routes = new TreeSet<>();
    for (RouteSpec r : city.server.routes()) {
      if (r.access().rule() == Access.Rule.PLUMBING) {
        // middleware and static files are no operations; the SockJS bridge is one
        if (r.path().equals("/eventbus/") && !r.method().equals("*")) routes.add(r.method() + " /eventbus/{transport}");
        if (r.path().equals("/eventbus/") && r.method().equals("*")) routes.add("GET /eventbus/{transport}");
        continue;
      }
      routes.add(r.method() + " " + ApiContract.openApiPath(r.path()));
    }
    Set<String> operations = operations().keySet();
    Set<String> undocumented = new TreeSet<>(routes);
    undocumented.removeAll(operations);
    assertTrue(undocumented.isEmpty(), "routes of WebServer.routes() missing from " + ApiContract.RESOURCE + ": " + undocumented);
    Set<String> unserved = new TreeSet<>(operations);
    unserved.removeAll(routes);
    assertTrue(unserved.isEmpty(), "operations of " + ApiContract.RESOURCE + " that no route serves: " + unserved);
    assertTrue(routes.size() >= 40, "the walk sees every route: " + routes.size());
  }

  @Test
  void eachOperationDeclaresTheAccessItsRouteDeclares() {
    Map<String, JsonObject> ops = operations();
    int staff = 0;
    int devices = 0;
    for (RouteSpec r : city.server.routes()) {
      if (r.access().rule() == Access.Rule.PLUMBING) continue;
      String key = r.method() + " " + ApiContract.openApiPath(r.path());
      JsonArray security = ops.get(key).getJsonArray("security", new JsonArray());
      Set<String> schemes = new TreeSet<>();
      security.forEach(s -> schemes.addAll(((JsonObject) s).fieldNames()));
      if (r.access().needsStaff()) {
        staff++;
        Set<String> expected = new TreeSet<>(WRITES.contains(r.method()) ? Set.of("csrf", "session") : Set.of("session"));
        if (r.access().bearer().isPresent()) expected.add("registryToken"); // or another system's Bearer token
        assertEquals(expected, schemes, key + " is a staff route (" + r.access() + ")");
      } else if (r.access().needsDevice()) {
        devices++;
        assertEquals(Set.of("device"), schemes, key + " is a device's route (" + r.access() + ")");
      } else {
        assertTrue(schemes.isEmpty(), key + " is open to anyone, the document says it needs " + schemes);
      }
    }
    assertTrue(staff >= 20, "staff routes: " + staff);
    assertEquals(2, devices, "device routes: check-in (kiosk) and login (tablet)");
  }

  /** "METHOD /path/{param}" → the operation, for every operation of the document. */
  private static Map<String, JsonObject> operations() {
    Map<String, JsonObject> out = new java.util.TreeMap<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) continue;
        JsonObject op = item.getJsonObject(method);
        assertNotNull(op.getString("operationId"), method + " " + path + " has an operationId");
        out.put(method.toUpperCase(java.util.Locale.ROOT) + " " + path, op);
      }
    }
    return out;
  }

  // ---- requests that break the schema ----

  static JsonObject booking() {
    return new JsonObject().put("name", "Li Lei").put("idNumber", "310101199001011234").put("phone", "13800138000")
        .put("dose", 1).put("day", TestCity.TODAY).put("siteId", "xuhui");
  }

  static JsonObject with(JsonObject o, Consumer<JsonObject> change) {
    JsonObject c = o.copy();
    change.accept(c);
    return c;
  }

  @Test
  void requestsThatBreakTheSchemaGet400NamingTheField() {
    String station = "/api/v1/sites/pudong/stations/desk-1";
    JsonObject walkIn = new JsonObject().put("walkIn", new JsonObject().put("name", "Li Lei").put("idNumber", "31010119900101999X")
        .put("dose", 1));
    record Bad(String what, HttpMethod method, String path, String cookie, JsonObject body, String field, String says) {}
    List<Bad> cases = List.of(
        new Bad("booking: dose out of range", HttpMethod.POST, "/api/v1/bookings", null, with(booking(), b -> b.put("dose", 7)),
            "dose", "dose must be a whole number from 1 to 4."),
        new Bad("booking: a name with markup", HttpMethod.POST, "/api/v1/bookings", null, with(booking(), b -> b.put("name", "<b>Li</b>")),
            "name", "name is not in the expected form."),
        new Bad("booking: an unknown priority", HttpMethod.POST, "/api/v1/bookings", null, with(booking(), b -> b.put("priority", "vip")),
            "priority", "priority must be elderly, disabled or pregnant."),
        new Bad("booking: lat without lon", HttpMethod.POST, "/api/v1/bookings", null, with(booking(), b -> b.put("lat", 31.2)),
            "lon", "Give both lat and lon."),
        new Bad("check-in: neither voucher nor walk-in", HttpMethod.POST, "/api/v1/sites/pudong/checkins", null, new JsonObject(),
            "voucher", "voucher is required."),
        new Bad("check-in: a walk-in's dose as text", HttpMethod.POST, "/api/v1/sites/pudong/checkins", null,
            with(walkIn, b -> b.getJsonObject("walkIn").put("dose", "1")), "dose", "dose must be a whole number from 1 to 4."),
        new Bad("check-in: a voucher with a control character", HttpMethod.POST, "/api/v1/sites/pudong/checkins", null,
            new JsonObject().put("voucher", "PD-12\u000734"), "voucher", "voucher contains control characters."),
        new Bad("transfer: no destination", HttpMethod.POST, station + "/transfer", manager, new JsonObject(), "to", "to is required."),
        new Bad("transfer: a destination as a number", HttpMethod.POST, station + "/transfer", manager, new JsonObject().put("to", 3),
            "to", "to must be a string."),
        new Bad("settings: an unknown setting", HttpMethod.PUT, "/api/v1/sites/pudong/settings", manager,
            new JsonObject().put("deskCount", 3), "deskCount", "Unknown field deskCount."),
        new Bad("settings: nothing to change", HttpMethod.PUT, "/api/v1/sites/pudong/settings", manager, new JsonObject(),
            "body", "Give hallCapacity or roomCapacity."),
        new Bad("settings: a capacity of 0", HttpMethod.PUT, "/api/v1/sites/pudong/settings", manager,
            new JsonObject().put("roomCapacity", 0), "roomCapacity", "roomCapacity must be a whole number from 1 to 10000."),
        new Bad("login: no PIN", HttpMethod.POST, "/api/v1/auth/login", null, new JsonObject().put("staffId", "manager"),
            "pin", "pin is required."),
        new Bad("login: a staff id of 40 characters", HttpMethod.POST, "/api/v1/auth/login", null,
            new JsonObject().put("staffId", "m".repeat(40)).put("pin", "2468"), "staffId", "staffId is longer than 32 characters."));
    for (Bad b : cases) {
      Reply r = city.send(b.method(), b.path(), b.cookie(), Map.of(), b.body().toBuffer());
      assertEquals(400, r.status(), b.what() + ": " + r.body());
      JsonObject error = r.json().getJsonObject("error");
      assertEquals("INVALID_INPUT", error.getString("code"), b.what());
      assertEquals(b.field(), error.getString("field"), b.what() + ": " + r.body());
      assertEquals(b.says(), error.getString("message"), b.what());
    }
    // a query parameter and a header, checked the same way
    Reply after = city.get("/api/v1/sites/pudong/calls?after=yesterday");
    assertEquals("after", after.json().getJsonObject("error").getString("field"), after.body());
    Reply key = city.send(HttpMethod.POST, "/api/v1/sites/pudong/checkins", null, Map.of("Idempotency-Key", "short"), walkIn.toBuffer());
    assertEquals("Idempotency-Key", key.json().getJsonObject("error").getString("field"), key.body());
    // and the same requests, well formed, pass the check
    Reply ok = city.post("/api/v1/sites/pudong/checkins", walkIn);
    assertEquals(201, ok.status(), ok.body());
  }

  // ---- the check of every API response ----

  @Test
  void theResponseCheckRefusesAResponseThatStraysFromTheDocument() {
    Reply real = city.get("/api/v1/sites/pudong/state");
    assertEquals(200, real.status(), real.body());
    String state = "/api/v1/sites/pudong/state";
    MultiMap json = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json; charset=utf-8");
    // the real answer passes (TestCity.get checked it already; once more here, by hand)
    ContractCheck.response(city.vertx, HttpMethod.GET, state, 200, json, real.body());
    List<String> strays = new ArrayList<>();
    strays.add(with(real.json(), s -> s.remove("waiting")).encode());                 // a required field missing
    strays.add(with(real.json(), s -> s.put("waitingNow", 3)).encode());              // a field the document does not name
    strays.add(with(real.json(), s -> s.put("open", "yes")).encode());                // a field of the wrong type
    strays.add(with(real.json(), s -> s.getJsonArray("stations").getJsonObject(0).put("state", "asleep")).encode()); // a value outside its enum
    for (String body : strays) {
      assertThrows(AssertionError.class, () -> ContractCheck.response(city.vertx, HttpMethod.GET, state, 200, json, body), body);
    }
    // an error code the operation does not list for that status, and a status it does not list with a body that is no error
    String unknownTicket = new JsonObject().put("error", new JsonObject().put("code", "UNKNOWN_TICKET").put("message", "No.")).encode();
    assertThrows(AssertionError.class, () -> ContractCheck.response(city.vertx, HttpMethod.GET, state, 404, json, unknownTicket));
    assertThrows(AssertionError.class, () -> ContractCheck.response(city.vertx, HttpMethod.GET, state, 202, json, real.body()));
    // a declared header of the wrong type: Retry-After in seconds, not a date
    String limited = new JsonObject().put("error", new JsonObject().put("code", "RATE_LIMITED").put("message", "Later.")
        .put("retryAfterSec", 2)).encode();
    ContractCheck.response(city.vertx, HttpMethod.POST, "/api/v1/bookings", 429,
        MultiMap.caseInsensitiveMultiMap().addAll(json).add("Retry-After", "2"), limited);
    MultiMap dated = MultiMap.caseInsensitiveMultiMap().addAll(json).add("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT");
    assertThrows(AssertionError.class, () -> ContractCheck.response(city.vertx, HttpMethod.POST, "/api/v1/bookings", 429, dated, limited));
    // an answer on a path no operation serves must be the error JSON
    assertThrows(AssertionError.class, () -> ContractCheck.response(city.vertx, HttpMethod.GET, "/api/v1/nothing", 200, json, "[]"));
    Reply none = city.get("/api/v1/nothing");
    assertEquals(404, none.status());
    // a test may send traffic the document cannot describe, unchecked
    ContractCheck.unchecked(() -> {
      ContractCheck.response(city.vertx, HttpMethod.GET, state, 200, json, strays.get(0));
      return null;
    });
    assertFalse(strays.isEmpty());
  }
}
