package io.vaxflow.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.flow.StationAction;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.redis.client.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every route the server's router has (not a list kept by hand): each one is classified as
 * public, a staff route with its access rule, or plumbing (middleware, static files, the event-bus
 * bridge); a route the classification does not know fails the test, so a new route cannot slip
 * in unguarded. Every staff route, for every method, station kind and action, answers 401
 * UNAUTHENTICATED without a live session, 403 FORBIDDEN to a role that may not act there and to
 * staff of another site, and changes nothing in Redis; the right staff pass the guard.
 *
 * <p>The staff of another site are real config entries, added with {@link StaffTool#add} to a
 * copy of config/vaxflow.yaml: {@code xh-manager} (manager of xuhui only) and {@code xh-staff}
 * (door, desk and vaccinator at xuhui only).
 */
class RouteAccessTest {

  private static final String SITE = "pudong";
  private static final List<String> STATIONS = List.of("door-1", "desk-1", "booth-1");
  private static final String TICKET = "W001";

  /** Who may use a route. */
  enum Access {
    PUBLIC,        // anyone
    ME,            // anyone may ask; without a session the answer is 401
    STAFF,         // any staff member of the site
    STATION_KIND,  // staff of the station's kind (door, desk, vaccinator), or a manager
    DOOR,          // door staff, or a manager
    STATION_STAFF, // door, desk or vaccinator staff, or a manager
    MANAGER,       // a manager of the site
    PLUMBING       // no path and method of its own: middleware, static files, the event-bus bridge
  }

  /**
   * Every route the server may have, by "METHOD path" ("*" for a route without methods; a regex
   * route by its name, the regex; "(none)" for one without either). A route not listed here fails
   * the test: whoever adds one decides here who may use it.
   */
  static final Map<String, Access> CLASSIFICATION = new LinkedHashMap<>();

  static {
    Map<String, Access> c = CLASSIFICATION;
    c.put("* (none)", Access.PLUMBING);            // security headers, failure handler
    c.put("* /api/", Access.PLUMBING);             // body limit, CSRF guard, session lookup, no-store
    c.put("GET ^/(?!api/).*", Access.PLUMBING);    // static files from webroot/ (a regex route: keyed by its name)
    c.put("* /eventbus/", Access.PLUMBING);        // SockJS bridge: its own guard (LiveBridge)
    c.put("GET /api/v1/sites", Access.PUBLIC);
    c.put("GET /api/v1/sites/:site/state", Access.PUBLIC);
    c.put("GET /api/v1/city", Access.PUBLIC);
    c.put("POST /api/v1/bookings", Access.PUBLIC);
    c.put("POST /api/v1/sites/:site/checkins", Access.PUBLIC);
    c.put("GET /api/v1/sites/:site/calls", Access.PUBLIC);
    c.put("GET /api/v1/sites/:site/tickets/:number", Access.PUBLIC);
    c.put("POST /api/v1/auth/login", Access.PUBLIC);
    c.put("POST /api/v1/auth/logout", Access.PUBLIC);
    c.put("GET /api/v1/auth/me", Access.ME);
    c.put("GET /health", Access.PUBLIC);
    c.put("GET /ping", Access.PUBLIC);
    c.put("GET /metrics", Access.PUBLIC);
    c.put("GET /", Access.PUBLIC);
    c.put("GET /book", Access.PUBLIC);
    c.put("GET /city", Access.PUBLIC);
    c.put("GET /sites/:site/kiosk", Access.PUBLIC);
    c.put("GET /sites/:site/hall", Access.PUBLIC);
    c.put("GET /sites/:site/staff", Access.PUBLIC);
    c.put("GET /sites/:site/dashboard", Access.PUBLIC);
    c.put("GET /api/v1/sites/:site/stations", Access.STAFF);
    c.put("GET /api/v1/sites/:site/stations/:station", Access.STAFF);
    c.put("POST /api/v1/sites/:site/stations/:station/next", Access.STATION_KIND);
    c.put("POST /api/v1/sites/:site/stations/:station/heartbeat", Access.STATION_KIND);
    c.put("POST /api/v1/sites/:site/stations/:station/transfer", Access.STATION_KIND);
    c.put("POST /api/v1/sites/:site/stations/:station/:action", Access.STATION_KIND);
    c.put("POST /api/v1/sites/:site/tickets/:number/reinstate", Access.STATION_STAFF);
    c.put("POST /api/v1/sites/:site/door/scan", Access.DOOR);
    c.put("PUT /api/v1/sites/:site/settings", Access.MANAGER);
    c.put("GET /api/v1/sites/:site/metrics", Access.MANAGER);
    c.put("GET /api/v1/sites/:site/events.csv", Access.MANAGER);
  }

  /** One concrete request to a route: parameters filled in. */
  record Call(String route, Access access, HttpMethod method, String path, String station, JsonObject body) {
    Reply send(TestCity c, String cookie) {
      Buffer b = body == null ? (method == HttpMethod.GET ? null : Buffer.buffer()) : body.toBuffer();
      return c.send(method, path, cookie, Map.of(), b);
    }

    /** The same request at another site. */
    Call at(String site) {
      return new Call(route, access, method, path.replace("/sites/" + SITE + "/", "/sites/" + site + "/"), station, body);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static Path configDir;
  private static TestCity city;
  private static String manager;
  private static String door;
  private static String desk;
  private static String booth;
  private static String xhManager;
  private static String xhStaff;
  private static String loggedOut;

  @BeforeAll
  static void start() throws Exception {
    configDir = Files.createTempDirectory("vaxflow-route-access");
    Path config = configDir.resolve("vaxflow.yaml");
    Files.copy(Path.of("config/vaxflow.yaml"), config, StandardCopyOption.REPLACE_EXISTING);
    StaffTool.add(config, "xh-manager", "Xuhui Manager", List.of("manager"), List.of("xuhui"), "8642");
    StaffTool.add(config, "xh-staff", "Xuhui Staff", List.of("door", "desk", "vaccinator"), List.of("xuhui"), "9753");
    city = TestCity.startWithConfig(config, Map.of());
    manager = city.login("manager", "2468");
    door = city.login("door", "1357");
    desk = city.login("desk", "1234");
    booth = city.login("booth", "4321");
    xhManager = city.login("xh-manager", "8642");
    xhStaff = city.login("xh-staff", "9753");
    loggedOut = city.login("desk", "1234");
    assertEquals(200, city.post("/api/v1/auth/logout", loggedOut, null).status());
    // tickets for the routes that name one: W001 .. W003
    for (int i = 1; i <= 3; i++) city.walkIn(SITE, "Gao Yang", "31010119850101000" + i);
  }

  @AfterAll
  static void stop() {
    if (city != null) city.close();
    if (configDir != null) TestCity.deleteTree(configDir);
  }

  @Test
  void everyRouteOfTheRouterIsClassified() {
    Set<String> unknown = new TreeSet<>();
    Set<String> seen = new TreeSet<>();
    for (String key : routeKeys()) {
      seen.add(key);
      if (!CLASSIFICATION.containsKey(key)) unknown.add(key);
    }
    assertTrue(unknown.isEmpty(), "routes this test does not classify (decide who may use them, then add them): " + unknown);
    // the walk really sees the staff routes (a router that lost them must not pass quietly)
    for (Map.Entry<String, Access> e : CLASSIFICATION.entrySet()) {
      if (e.getValue() != Access.PUBLIC && e.getValue() != Access.PLUMBING && e.getValue() != Access.ME) {
        assertTrue(seen.contains(e.getKey()), "staff route missing from the router: " + e.getKey());
      }
    }
  }

  @Test
  void everyStaffRouteRefusesWithout401AndWithTheWrongRoleOrSite403() {
    List<Call> calls = staffCalls();
    assertTrue(calls.size() >= 30, "every method, station kind and action: " + calls.size() + " requests");
    String forged = "vf_session=" + "A".repeat(43) + "; vf_csrf=forged-but-echoed";
    int refusals = 0;
    for (Call call : calls) {
      Map<String, String> before = dumpAll();
      for (String cookie : new String[] {null, forged, loggedOut, "vf_csrf=only-a-csrf-cookie"}) {
        refused(call, cookie, 401, "UNAUTHENTICATED");
        refusals++;
      }
      for (String wrong : wrongRoles(call)) {
        refused(call, wrong, 403, "FORBIDDEN");
        refusals++;
      }
      // staff of xuhui, even its manager, at pudong
      refused(call, xhManager, 403, "FORBIDDEN");
      refused(call, xhStaff, 403, "FORBIDDEN");
      refusals += 2;
      Map<String, String> after = dumpAll();
      if (!before.equals(after)) fail(call + ": refused requests changed Redis:" + TestCity.dumpDiff(before, after));
    }
    System.out.printf("RouteAccessTest: %d staff requests, %d refusals checked%n", calls.size(), refusals);
  }

  @Test
  void theRightStaffPassTheGuardOnEveryStaffRoute() {
    for (Call call : staffCalls()) {
      String who = rightAccount(call);
      Reply r = call.send(city, who);
      assertNotEquals(401, r.status(), call + " as the right staff: " + r.body());
      assertNotEquals(403, r.status(), call + " as the right staff: " + r.body());
      assertTrue(r.status() < 500, call + ": " + r.status() + " " + r.body());
      // the other site's staff are let in at their own site (so their 403 at pudong was the site)
      Call atXuhui = call.at("xuhui");
      for (String xh : List.of(xhManager, xhStaff)) {
        if (xh.equals(xhStaff) && call.access() == Access.MANAGER) continue;
        Reply own = atXuhui.send(city, xh);
        assertNotEquals(401, own.status(), atXuhui + ": " + own.body());
        assertNotEquals(403, own.status(), atXuhui + " by xuhui's own staff: " + own.body());
        assertTrue(own.status() < 500, atXuhui + ": " + own.status() + " " + own.body());
      }
    }
  }

  @Test
  void publicRoutesNeedNoSession() {
    Map<String, Reply> replies = new TreeMap<>();
    for (Call call : publicCalls()) {
      Reply r = call.send(city, null);
      replies.put(call.toString(), r);
      assertTrue(r.status() < 500, call + ": " + r.status() + " " + r.body());
      if (call.access() == Access.ME) {
        assertEquals(401, r.status(), call + ": " + r.body());
        assertEquals("UNAUTHENTICATED", r.errorCode());
      } else {
        assertTrue(r.status() >= 200 && r.status() < 300, call + " anonymously: " + r.status() + " " + r.body());
      }
    }
    // plumbing: static files and the event-bus bridge's info are public too
    assertEquals(200, city.get("/favicon.svg").status());
    assertEquals(200, city.get("/eventbus/info").status());
    System.out.println("RouteAccessTest: public routes answered anonymously: " + replies.keySet());
  }

  // ---- the walk ----

  /** "METHOD path" of every route of the router, one per method. */
  private static List<String> routeKeys() {
    List<String> keys = new ArrayList<>();
    for (Route r : city.server.router().getRoutes()) {
      String path = r.getPath() != null ? r.getPath() : r.getName() != null ? r.getName() : "(none)";
      if (r.methods() == null || r.methods().isEmpty()) keys.add("* " + path);
      else for (HttpMethod m : r.methods()) keys.add(m.name() + " " + path);
    }
    return keys;
  }

  /** Every staff route of the router as concrete requests: each station kind, each action. */
  private static List<Call> staffCalls() {
    List<Call> out = new ArrayList<>();
    for (String key : routeKeys()) {
      Access access = CLASSIFICATION.get(key);
      if (access == null || access == Access.PUBLIC || access == Access.ME || access == Access.PLUMBING) continue;
      out.addAll(expand(key, access));
    }
    return out;
  }

  private static List<Call> publicCalls() {
    List<Call> out = new ArrayList<>();
    for (String key : routeKeys()) {
      Access access = CLASSIFICATION.get(key);
      if (access == Access.PUBLIC || access == Access.ME) out.addAll(expand(key, access));
    }
    return out;
  }

  /** The route with its parameters filled in: every station (door, desk, booth) and every action. */
  private static List<Call> expand(String key, Access access) {
    HttpMethod method = HttpMethod.valueOf(key.substring(0, key.indexOf(' ')));
    String pattern = key.substring(key.indexOf(' ') + 1).replace(":site", SITE).replace(":number", TICKET);
    List<String> stations = pattern.contains(":station") ? STATIONS : java.util.Collections.singletonList(null);
    List<Call> out = new ArrayList<>();
    for (String station : stations) {
      String p = station == null ? pattern : pattern.replace(":station", station);
      List<String> actions = new ArrayList<>();
      if (p.contains(":action")) for (StationAction a : StationAction.values()) actions.add(a.path());
      else actions.add(null);
      for (String action : actions) {
        String path = action == null ? p : p.replace(":action", action);
        assertFalse(path.contains(":"), "a path parameter this test cannot fill: " + key);
        out.add(new Call(key, access, method, path, station, body(key, method)));
      }
    }
    return out;
  }

  /** A well-formed body for the routes that read one. */
  private static JsonObject body(String key, HttpMethod method) {
    if (key.endsWith("/transfer")) return new JsonObject().put("to", "room");
    if (key.endsWith("/door/scan")) return new JsonObject().put("number", "W002");
    if (key.endsWith("/settings")) return new JsonObject().put("hallCapacity", 150);
    if (key.endsWith("/bookings")) {
      return new JsonObject().put("name", "Li Wei").put("idNumber", "310101199001010099").put("phone", "13800138000")
          .put("dose", 1).put("day", TestCity.TODAY).put("siteId", SITE);
    }
    if (key.endsWith("/checkins")) {
      return new JsonObject().put("walkIn", new JsonObject().put("name", "Zhou Min").put("idNumber", "310101199001010098")
          .put("dose", 1));
    }
    if (key.endsWith("/auth/login")) return new JsonObject().put("staffId", "booth").put("pin", "4321");
    return method == HttpMethod.GET ? null : new JsonObject();
  }

  /** The demo accounts (door, desk, vaccinator; all sites) whose role may not use this request. */
  private static List<String> wrongRoles(Call call) {
    Map<String, String> byRole = Map.of("door", door, "desk", desk, "booth", booth);
    Set<String> allowed = switch (call.access()) {
      case STAFF, STATION_STAFF -> Set.of("door", "desk", "booth");
      case STATION_KIND -> Set.of(call.station().substring(0, call.station().indexOf('-')));
      case DOOR -> Set.of("door");
      case MANAGER -> Set.of();
      default -> throw new IllegalArgumentException(call.toString());
    };
    List<String> wrong = new ArrayList<>();
    for (String role : List.of("door", "desk", "booth")) if (!allowed.contains(role)) wrong.add(byRole.get(role));
    return wrong;
  }

  /** An account the request is meant for. */
  private static String rightAccount(Call call) {
    return switch (call.access()) {
      case STAFF, STATION_STAFF -> booth;
      case STATION_KIND -> switch (call.station().substring(0, call.station().indexOf('-'))) {
        case "door" -> door;
        case "desk" -> desk;
        default -> booth;
      };
      case DOOR -> door;
      case MANAGER -> manager;
      default -> throw new IllegalArgumentException(call.toString());
    };
  }

  /** The request is refused with this status and code as the API's error JSON, by the guard (not the CSRF check). */
  private static void refused(Call call, String cookie, int status, String code) {
    Reply r = call.send(city, cookie);
    String what = call + " with " + describe(cookie);
    assertEquals(status, r.status(), what + ": " + r.body());
    String type = r.headers().get("Content-Type");
    assertNotNull(type, what);
    assertTrue(type.startsWith("application/json"), what + ": " + type);
    JsonObject error = r.json().getJsonObject("error");
    assertNotNull(error, what + ": " + r.body());
    assertEquals(code, error.getString("code"), what + ": " + r.body());
    assertFalse(error.getString("message", "").isBlank(), what);
    assertFalse("CSRF".equals(error.getString("reason")), what + " was refused by the CSRF check, not the guard: " + r.body());
  }

  private static String describe(String cookie) {
    if (cookie == null) return "no cookie";
    for (Map.Entry<String, String> e : Map.of("door", String.valueOf(door), "desk", String.valueOf(desk),
        "booth", String.valueOf(booth), "xh-manager", String.valueOf(xhManager), "xh-staff", String.valueOf(xhStaff),
        "a logged-out session", String.valueOf(loggedOut)).entrySet()) {
      if (e.getValue().equals(cookie)) return e.getKey();
    }
    return cookie.length() > 24 ? cookie.substring(0, 24) + "…" : cookie;
  }

  /** Every key of every site, and the sessions: a refused request may change none of them. */
  private static Map<String, String> dumpAll() {
    Map<String, String> all = new TreeMap<>();
    for (String site : List.of("xuhui", "jingan", "pudong")) all.putAll(city.siteDump(site));
    for (var k : city.redis(Command.KEYS, "vf:session:*")) all.put(k.toString(), "session");
    return all;
  }
}
