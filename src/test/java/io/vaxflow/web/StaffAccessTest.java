package io.vaxflow.web;

import io.vaxflow.support.Ids;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.flow.StationAction;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Staff routes: 401 UNAUTHENTICATED without a (live) session, 403 FORBIDDEN for a role or site
 * that may not act there, nothing changed by either; login, its cookie, and logout.
 *
 * <p>The demo accounts, with the door account limited to jingan for the wrong-site checks.
 */
class StaffAccessTest {

  /**
   * The tests share a 2-core machine with other builds: a Redis reply may come later than the
   * production store timeout under that load. Nothing here is about latency, so allow more.
   */
  static final Map<String, String> PATIENT_STORE = Map.of("VAXFLOW_REDIS_TIMEOUTMS", "5000");

  private static TestCity city;
  private static String manager;
  private static String desk;
  private static String booth;
  private static String door; // works at jingan only

  /** One staff route: what it is and how to call it. */
  record Route(String name, HttpMethod method, String path, JsonObject body) {
    Reply call(TestCity c, String cookie) {
      Buffer b = body == null ? (method == HttpMethod.GET ? null : Buffer.buffer()) : body.toBuffer();
      return c.send(method, path, cookie, Map.of(), b);
    }

    @Override
    public String toString() {
      return name + " (" + method + " " + path + ")";
    }
  }

  static Route post(String name, String path, JsonObject body) {
    return new Route(name, HttpMethod.POST, path, body);
  }

  /** Every station action of the table but transfer (it takes a body: below). */
  static final List<String> DESK_ACTIONS = java.util.Arrays.stream(StationAction.values())
      .filter(a -> !a.takesTarget()).map(StationAction::path).toList();

  /** Every staff route of the contract, at pudong. */
  static List<Route> routes() {
    List<Route> r = new ArrayList<>();
    r.add(new Route("stations list", HttpMethod.GET, API + "/stations", null));
    for (String a : DESK_ACTIONS) r.add(post("desk " + a, API + "/stations/desk-1/" + a, null));
    r.add(post("desk transfer", API + "/stations/desk-1/transfer", new JsonObject().put("to", "desk-2")));
    for (String a : DESK_ACTIONS) r.add(post("booth " + a, API + "/stations/booth-1/" + a, null));
    r.add(post("booth transfer", API + "/stations/booth-1/transfer", new JsonObject().put("to", "vaccination")));
    r.add(post("door next", API + "/stations/door-1/next", null));
    r.add(post("door scan", API + "/door/scan", new JsonObject().put("number", "W002")));
    r.add(post("reinstate", API + "/tickets/W003/reinstate", null));
    r.add(new Route("settings", HttpMethod.PUT, API + "/settings", new JsonObject().put("hallCapacity", 2)));
    r.add(new Route("metrics", HttpMethod.GET, API + "/metrics", null));
    r.add(new Route("events.csv", HttpMethod.GET, API + "/events.csv", null));
    r.add(new Route("events.csv of a day", HttpMethod.GET, API + "/events.csv?day=" + TestCity.TODAY, null));
    return r;
  }

  @BeforeAll
  static void start() {
    Map<String, String> overrides = new java.util.HashMap<>(PATIENT_STORE);
    overrides.put("VAXFLOW_STAFF_DOOR_SITES", "jingan");
    // each call said once: a call's repeats would write events while a test checks that a refused
    // request changed nothing
    overrides.put("VAXFLOW_ANNOUNCE_REPEATS", "1");
    city = TestCity.start(overrides);
    manager = city.login("manager", "2468");
    desk = city.login("desk", "1234");
    booth = city.login("booth", "4321");
    door = city.login("door", "1357");
    // a flow to protect: three walk-ins called to the room, one through the door, desk-1 holding it
    for (int i = 1; i <= 3; i++) city.walkIn(SITE, "Gao Yang", Ids.resident(14, i));
    Reply scan = city.post(API + "/door/scan", manager, new JsonObject().put("number", "W001"));
    assertEquals(200, scan.status(), scan.body());
    Reply next = city.post(API + "/stations/desk-1/next", desk, null);
    assertEquals(200, next.status(), next.body());
    assertEquals("W001", next.json().getJsonObject("ticket").getString("number"));
  }

  @AfterAll
  static void stop() {
    if (city != null) city.close();
  }

  @Test
  void everyStaffRouteWithoutASessionIs401() {
    // A forged or stale session, sent the way our pages send it: with the CSRF cookie echoed in
    // its header (TestCity does the echoing), so what answers is the session check itself.
    String forged = "vf_session=" + "A".repeat(43) + "; vf_csrf=abcdefgh";
    String garbage = "vf_session=not-a-token; vf_csrf=abcdefgh";
    for (Route route : routes()) {
      for (String cookie : new String[] {null, forged, garbage, "other=1", "vf_csrf=abcdefgh"}) {
        refused(route, cookie, 401, "UNAUTHENTICATED");
      }
    }
  }

  @Test
  void wrongRoleIs403() {
    // booth staff at a desk, desk staff at a booth, neither at the door
    for (Route route : routes()) {
      String p = route.path();
      if (p.contains("/desk-1/")) refused(route, booth, 403, "FORBIDDEN");
      if (p.contains("/booth-1/")) refused(route, desk, 403, "FORBIDDEN");
      if (p.contains("/door-1/") || p.endsWith("/door/scan")) {
        refused(route, desk, 403, "FORBIDDEN");
        refused(route, booth, 403, "FORBIDDEN");
      }
      if (p.contains("/settings") || p.contains("/metrics") || p.contains("/events.csv")) {
        refused(route, desk, 403, "FORBIDDEN");
        refused(route, booth, 403, "FORBIDDEN");
      }
    }
  }

  @Test
  void staffOfAnotherSiteIs403OnEveryRoute() {
    for (Route route : routes()) refused(route, door, 403, "FORBIDDEN");
    // and the same account is let in where it works
    Reply list = city.get("/api/v1/sites/jingan/stations", door);
    assertEquals(200, list.status(), list.body());
    Reply scan = city.post("/api/v1/sites/jingan/door/scan", door, new JsonObject().put("number", "W001"));
    assertEquals(404, scan.status(), "past the guard, the ticket is simply unknown at jingan: " + scan.body());
    assertEquals("UNKNOWN_TICKET", scan.errorCode());
  }

  @Test
  void theRightRolePassesTheGuard() {
    // the same routes the refusals were about, with the staff who may use them
    Reply list = city.get(API + "/stations", booth);
    assertEquals(200, list.status(), list.body());
    assertTrue(list.array().size() >= 1 + 4 + 6);

    Reply recall = city.post(API + "/stations/desk-1/recall", desk, null);
    assertEquals(200, recall.status(), recall.body());
    assertEquals("W001", recall.json().getJsonObject("ticket").getString("number"));

    Reply pause = city.post(API + "/stations/booth-2/pause", booth, null);
    assertEquals(200, pause.status(), pause.body());
    Reply resume = city.post(API + "/stations/booth-2/resume", booth, null);
    assertEquals(200, resume.status(), resume.body());

    Reply metrics = city.get(API + "/metrics", manager);
    assertEquals(200, metrics.status(), metrics.body());
    assertEquals(SITE, metrics.json().getString("siteId"));
    Reply csv = city.get(API + "/events.csv", manager);
    assertEquals(200, csv.status(), csv.body());
    assertTrue(csv.headers().get("Content-Type").startsWith("text/csv"), csv.headers().get("Content-Type"));
    assertTrue(csv.body().startsWith("eventId,"), csv.body());

    Reply scan = city.post(API + "/door/scan", manager, new JsonObject().put("number", "W002"));
    assertEquals(200, scan.status(), scan.body());
  }

  @Test
  void aSessionWithoutItsCsrfTokenChangesNothing() {
    String sessionOnly = "vf_session=" + sessionToken(desk);
    for (Route route : routes()) {
      if (route.method() == HttpMethod.GET) continue;
      Map<String, String> before = dumpAll();
      Reply r = route.call(city, sessionOnly);
      assertTrue(r.status() == 403 || r.status() == 401, route + ": " + r.status() + " " + r.body());
      assertUnchanged(before, dumpAll(), route + " without the CSRF token");
    }
  }

  @Test
  void wrongPinOrUnknownStaffIs401BadCredentials() {
    Map<String, String> before = dumpAll();
    for (JsonObject creds : List.of(
        new JsonObject().put("staffId", "manager").put("pin", "0000"),
        new JsonObject().put("staffId", "manager").put("pin", "1234"),   // another account's PIN
        new JsonObject().put("staffId", "desk").put("pin", "12345"),
        new JsonObject().put("staffId", "nobody").put("pin", "2468"),
        new JsonObject().put("staffId", "MANAGER").put("pin", "2468"))) {
      Reply r = city.post("/api/v1/auth/login", creds);
      assertEquals(401, r.status(), creds.encode() + ": " + r.body());
      assertEquals("BAD_CREDENTIALS", r.errorCode(), creds.encode());
      assertFalse(r.body().contains(creds.getString("pin")), "the PIN is not echoed");
      String setCookie = r.headers().get("Set-Cookie");
      assertTrue(setCookie == null || !setCookie.matches("vf_session=[^;]+;.*"), "no session for " + creds.encode() + ": " + setCookie);
    }
    // a wrong PIN and an unknown account read the same, so neither tells which staff ids exist
    assertEquals(city.post("/api/v1/auth/login", new JsonObject().put("staffId", "manager").put("pin", "0000")).body(),
        city.post("/api/v1/auth/login", new JsonObject().put("staffId", "nobody").put("pin", "0000")).body());
    assertUnchanged(before, dumpAll(), "failed logins");
    assertEquals(List.of(), sessionKeysOtherThan(List.of(manager, desk, booth, door)), "no session was opened");
  }

  /**
   * Sign-in only on an enrolled tablet (a browser elsewhere than the server's own computer, through the trusted
   * proxy): from anything else 403 DEVICE_REQUIRED, the right PIN included, nothing written; on pudong's tablet only
   * pudong's staff: the door (jingan only) with the right PIN reads as a wrong PIN, the desk signs in.
   */
  @Test
  void staffSignInOnlyOnATabletOfASiteTheyWorkAt() {
    io.vaxflow.support.DeviceKit.Device tablet = io.vaxflow.support.DeviceKit.enrol(city, manager, SITE, "tablet", "Pudong tablet", "198.51.100.60");
    Map<String, String> before = dumpAll();
    JsonObject desk = new JsonObject().put("staffId", "desk").put("pin", "1234");
    Reply nowhere = city.send(HttpMethod.POST, "/api/v1/auth/login", null, io.vaxflow.support.DeviceKit.from("198.51.100.61"), desk.toBuffer());
    assertEquals(403, nowhere.status(), nowhere.body());
    assertEquals("DEVICE_REQUIRED", nowhere.errorCode());
    Reply otherSite = city.send(HttpMethod.POST, "/api/v1/auth/login", tablet.cookie(), tablet.headers(),
        new JsonObject().put("staffId", "door").put("pin", "1357").toBuffer());
    assertEquals(401, otherSite.status(), "door works at jingan only: " + otherSite.body());
    assertEquals("BAD_CREDENTIALS", otherSite.errorCode());
    assertUnchanged(before, dumpAll(), "refused logins");
    String signedIn = io.vaxflow.support.DeviceKit.login(city, tablet, "desk", "1234");
    assertEquals(200, city.send(HttpMethod.GET, "/api/v1/auth/me", signedIn, tablet.headers(), null).status());
    assertEquals(200, city.send(HttpMethod.POST, "/api/v1/auth/logout", signedIn, tablet.headers(), Buffer.buffer()).status());
  }

  @Test
  void loginSetsAStrictHttpOnlyCookieAndLogoutEndsTheSession() {
    Reply login = city.post("/api/v1/auth/login", new JsonObject().put("staffId", "desk").put("pin", "1234"));
    assertEquals(200, login.status(), login.body());
    assertEquals("desk", login.json().getJsonObject("staff").getString("id"));
    assertFalse(login.body().contains("pbkdf2"), "no PIN hash in the reply");
    String setCookie = login.headers().getAll("Set-Cookie").stream().filter(c -> c.startsWith("vf_session="))
        .findFirst().orElse(null);
    assertNotNull(setCookie, "a session cookie: " + login.headers().getAll("Set-Cookie"));
    List<String> attrs = new ArrayList<>();
    for (String part : setCookie.split(";")) attrs.add(part.strip().toLowerCase(Locale.ROOT));
    assertTrue(attrs.get(0).startsWith("vf_session="), setCookie);
    assertTrue(attrs.contains("httponly"), "HttpOnly: " + setCookie);
    assertTrue(attrs.contains("samesite=strict"), "SameSite=Strict: " + setCookie);
    assertTrue(attrs.contains("path=/"), "Path=/: " + setCookie);
    String session = setCookie.substring(0, setCookie.indexOf(';'));
    String token = session.substring("vf_session=".length());
    // every cookie the login set (the session and, for the pages' scripts, a CSRF token)
    StringBuilder all = new StringBuilder();
    for (String c : login.headers().getAll("Set-Cookie")) all.append(all.length() == 0 ? "" : "; ").append(c, 0, c.indexOf(';'));
    String cookie = all.toString();
    assertTrue(token.length() >= 32, "an unguessable token: " + token);

    // the session lives in Redis, with an expiry
    assertNotNull(city.redis(Command.GET, "vf:session:" + token), "session stored in Redis");
    long ttl = city.redis(Command.TTL, "vf:session:" + token).toLong();
    assertTrue(ttl > 0, "session expires: " + ttl);

    Reply me = city.get("/api/v1/auth/me", cookie);
    assertEquals(200, me.status(), me.body());
    assertEquals("desk", me.json().getJsonObject("staff").getString("id"));
    Reply pause = city.post(API + "/stations/desk-4/pause", cookie, null);
    assertEquals(200, pause.status(), pause.body());

    Reply logout = city.post("/api/v1/auth/logout", cookie, null);
    assertEquals(200, logout.status(), logout.body());
    String cleared = logout.headers().getAll("Set-Cookie").stream().filter(c -> c.startsWith("vf_session="))
        .findFirst().orElse(null);
    assertNotNull(cleared, "logout clears the session cookie");
    assertTrue(cleared.toLowerCase(Locale.ROOT).contains("max-age=0"), cleared);
    assertNull(city.redis(Command.GET, "vf:session:" + token), "session removed from Redis");

    // the old cookie is worth nothing now, on every route
    Reply after = city.get("/api/v1/auth/me", cookie);
    assertEquals(401, after.status(), after.body());
    assertEquals("UNAUTHENTICATED", after.errorCode());
    refused(post("desk resume", API + "/stations/desk-4/resume", null), cookie, 401, "UNAUTHENTICATED");
    for (Route route : routes()) refused(route, cookie, 401, "UNAUTHENTICATED");

    // logging out twice, or without a session, is harmless
    assertEquals(200, city.post("/api/v1/auth/logout", cookie, null).status());
    assertEquals(200, city.post("/api/v1/auth/logout", null, null).status());
    Reply resumed = city.post(API + "/stations/desk-4/resume", desk, null);
    assertEquals(200, resumed.status(), "the other desk session is untouched: " + resumed.body());
  }

  // ---- helpers ----

  /** The route refuses with this status and code, as the error JSON, and changes no key of any site. */
  private static void refused(Route route, String cookie, int status, String code) {
    Map<String, String> before = dumpAll();
    Reply r = route.call(city, cookie);
    String what = route + " with " + (cookie == null ? "no cookie" : cookie.substring(0, Math.min(cookie.length(), 20)) + "…");
    assertEquals(status, r.status(), what + ": " + r.body());
    assertTrue(r.headers().get("Content-Type").startsWith("application/json"), what);
    JsonObject error = r.json().getJsonObject("error");
    assertNotNull(error, what + ": " + r.body());
    assertEquals(code, error.getString("code"), what + ": " + r.body());
    assertFalse(error.getString("message", "").isBlank(), what);
    assertUnchanged(before, dumpAll(), what);
  }

  /** The session token in a Cookie header value. */
  private static String sessionToken(String cookie) {
    for (String part : cookie.split(";\\s*")) {
      if (part.startsWith("vf_session=")) return part.substring("vf_session=".length());
    }
    throw new AssertionError("no session in " + cookie);
  }

  private static Map<String, String> dumpAll() {
    Map<String, String> all = new TreeMap<>();
    for (String site : List.of("xuhui", "jingan", "pudong")) all.putAll(city.siteDump(site));
    return all;
  }

  private static List<String> sessionKeysOtherThan(List<String> cookies) {
    List<String> keys = new ArrayList<>();
    for (var k : city.redis(Command.KEYS, "vf:session:*")) keys.add(k.toString());
    for (String c : cookies) keys.remove("vf:session:" + sessionToken(c));
    return keys;
  }

  /** The keys are byte-for-byte what they were; else the message names each key that differs. */
  private static void assertUnchanged(Map<String, String> before, Map<String, String> after, String what) {
    if (!before.equals(after)) fail(what + ": keys in Redis changed:" + TestCity.dumpDiff(before, after));
  }
}
