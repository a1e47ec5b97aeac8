package io.vaxflow.gateway;

import io.vaxflow.support.Ids;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.StaffAccount;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.StationAction;
import io.vaxflow.flow.StationKind;
import io.vaxflow.support.DeviceKit;
import io.vaxflow.support.DeviceKit.Device;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vaxflow.web.RouteSpec;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every route the server's router has (not a list kept by hand) and reads the access rule
 * each route declares where it is mounted ({@link io.vaxflow.VaxflowServer#routes()}, the table the
 * route modules build as they mount): a route of the router without a declaration fails the test,
 * so a new route cannot slip in unguarded. Every staff route, for every method, station kind and
 * action, answers 401 UNAUTHENTICATED without a live session, 403 FORBIDDEN to a role its rule does
 * not name and to staff of another site, and changes nothing in Redis; the staff its rule names
 * pass the guard; and GET /api/v1/auth/me tells each staff member exactly what the guards let them do.
 *
 * <p>The staff of another site are real config entries, added with {@link StaffTool#add} to a
 * copy of config/vaxflow.yaml: {@code xh-manager} (manager of xuhui only) and {@code xh-staff}
 * (door, desk and vaccinator at xuhui only).
 */
class RouteAccessTest {

  private static final List<String> STATIONS = List.of("door-1", "desk-1", "booth-1");
  private static final String TICKET = "W001";

  /**
   * The routes under a site anyone may use (this test's own knowledge of the public surface, so a
   * staff route declared public by mistake fails): every other site route must need a staff session.
   */
  private static final Set<String> PUBLIC_SITE_ROUTES = Set.of(
      "GET /api/v1/sites/:site/state", "GET /api/v1/sites/:site/calls",
      "GET /api/v1/sites/:site/tickets/:number",
      // a ticket's phone: the key of the ticket's link (web/PhoneRoutes)
      "GET /api/v1/sites/:site/tickets/:number/track",
      "POST /api/v1/sites/:site/tickets/:number/away", "POST /api/v1/sites/:site/tickets/:number/back",
      // ... and its certificate (web/ImmunizationRoutes)
      "GET /api/v1/sites/:site/tickets/:number/certificate",
      // a device redeeming its one-time code: the code is the key (web/DeviceRoutes)
      "POST /api/v1/sites/:site/devices/enrol");

  /** The routes only a site's enrolled devices may use (gateway/Devices), and the role each needs. */
  private static final Map<String, String> DEVICE_ROUTES = Map.of(
      "POST /api/v1/sites/:site/checkins", "kiosk", "POST /api/v1/auth/login", "tablet");

  /** One concrete request to a route: parameters filled in. */
  record Call(String route, Access access, HttpMethod method, String path, String station, JsonObject body) {
    /** The kind of the route's station, for a station route. */
    Optional<StationKind> kind() {
      return station == null ? Optional.empty() : Optional.of(StationKind.valueOf(station.substring(0, station.indexOf('-')).toUpperCase(java.util.Locale.ROOT)));
    }

    Reply send(TestCity c, String cookie) {
      return send(c, cookie, Map.of());
    }

    Reply send(TestCity c, String cookie, Map<String, String> headers) {
      Buffer b = body == null ? (method == HttpMethod.GET ? null : Buffer.buffer()) : body.toBuffer();
      return c.send(method, path, cookie, headers, b);
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
  /** A second server on the same Redis and config. */
  private static TestCity other;
  private static String manager;
  private static String door;
  private static String desk;
  private static String booth;
  private static String xhManager;
  private static String xhStaff;
  private static String loggedOut;

  private static VaxflowConfig config;

  @BeforeAll
  static void start() throws Exception {
    configDir = Files.createTempDirectory("vaxflow-route-access");
    Path config = configDir.resolve("vaxflow.yaml");
    Files.copy(Path.of("config/vaxflow.yaml"), config, StandardCopyOption.REPLACE_EXISTING);
    StaffTool.add(config, "xh-manager", "Xuhui Manager", List.of("manager"), List.of("xuhui"), "8642");
    StaffTool.add(config, "xh-staff", "Xuhui Staff", List.of("door", "desk", "vaccinator"), List.of("xuhui"), "9753");
    city = TestCity.startWithConfig(config, Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1")); // no background sayings between dumps
    RouteAccessTest.config = ConfigLoader.load(config);
    manager = city.login("manager", "2468");
    door = city.login("door", "1357");
    desk = city.login("desk", "1234");
    booth = city.login("booth", "4321");
    xhManager = city.login("xh-manager", "8642");
    xhStaff = city.login("xh-staff", "9753");
    loggedOut = city.login("desk", "1234");
    assertEquals(200, city.post("/api/v1/auth/logout", loggedOut, null).status());
    // tickets for the routes that name one: W001 .. W003
    for (int i = 1; i <= 3; i++) city.walkIn(SITE, "Gao Yang", Ids.resident(14, i));
  }

  @AfterAll
  static void stop() {
    if (other != null) other.close();
    if (city != null) city.close();
    if (configDir != null) TestCity.deleteTree(configDir);
  }

  @Test
  void everyRouteOfTheRouterIsDeclaredWithItsRule() {
    List<String> router = new ArrayList<>(routeKeys());
    List<String> declared = new ArrayList<>(city.server.routes().stream().map(RouteSpec::key).toList());
    Set<String> undeclared = new TreeSet<>(router);
    undeclared.removeAll(declared);
    assertTrue(undeclared.isEmpty(), "routes mounted without an access rule (declare them where they are mounted): " + undeclared);
    java.util.Collections.sort(router);
    java.util.Collections.sort(declared);
    assertEquals(router, declared, "one declaration for each route of the router, and no declaration without a route");
    // the walk really sees the staff routes, of every kind of rule (a router that lost them must not pass quietly)
    Set<Access.Rule> rules = new TreeSet<>();
    for (String key : router) rules.add(declared(key).rule());
    assertEquals(Set.of(Access.Rule.values()), rules, "every kind of rule is in use");
    assertTrue(staffCalls().size() >= 30, "the staff routes: " + staffCalls());
    // a site route not on the short public list must need a session
    for (String key : router) {
      if (!key.contains("/sites/:site/") || !key.contains(" /api/") || PUBLIC_SITE_ROUTES.contains(key) || DEVICE_ROUTES.containsKey(key)) continue;
      assertTrue(declared(key).needsStaff() && declared(key).siteScoped(), key + " is declared " + declared(key));
    }
    for (String key : PUBLIC_SITE_ROUTES) assertEquals(Access.Rule.PUBLIC, declared(key).rule(), key);
    // a device's route is exactly one of those, for its role
    for (String key : router) {
      if (!declared(key).needsDevice()) continue;
      assertEquals(DEVICE_ROUTES.get(key), declared(key).device().map(DeviceRole::wire).orElse(null), key + " is declared " + declared(key));
    }
    for (String key : DEVICE_ROUTES.keySet()) assertEquals(Access.Rule.DEVICE, declared(key).rule(), key);
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
        if (!call.access().permits(account(xh), "xuhui", call.kind())) continue;
        Reply own = atXuhui.send(city, xh);
        assertNotEquals(401, own.status(), atXuhui + ": " + own.body());
        assertNotEquals(403, own.status(), atXuhui + " by xuhui's own staff: " + own.body());
        assertTrue(own.status() < 500, atXuhui + ": " + own.status() + " " + own.body());
      }
    }
  }

  /**
   * A logout's pub/sub message can reach another server after the next request does, and that server
   * remembers sessions for a few seconds. Here the message never arrives: the logout's writes are made
   * in Redis (the token marked closed in every site's slot, the session deleted, as Sessions.close
   * does) and nothing is published. A second server that remembers the session refuses it on every
   * staff route, 401 with nothing changed: the action routes in their script, the rest by asking Redis.
   */
  @Test
  void everyStaffRouteRefusesASessionClosedWhileAnotherServerRemembersIt() {
    // stopped with the city (in-process servers share the metrics registry: stopping one here would break /metrics for the other tests)
    other = TestCity.on(city.redis, configDir.resolve("vaxflow.yaml"), Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1"));
    SessionRevocationTest.awaitSubscribers(city, 2); // only a server that follows revocations remembers sessions
    int refusals = 0;
    for (Call call : staffCalls()) {
      String account = describe(rightAccount(call));
      String cookie = city.login(account, PINS.get(account));
      assertEquals(200, other.get("/api/v1/auth/me", cookie).status(), "the other server knows the session");
      closeWithoutTelling(cookie);
      Map<String, String> before = dumpAll();
      refused(other, call, cookie, 401, "UNAUTHENTICATED");
      Map<String, String> after = dumpAll();
      if (!before.equals(after)) fail(call + " with a closed session changed Redis:" + TestCity.dumpDiff(before, after));
      refusals++;
    }
    System.out.printf("RouteAccessTest: %d requests with a session closed while remembered, all refused%n", refusals);
  }

  private static final Map<String, String> PINS = Map.of("manager", "2468", "door", "1357", "desk", "1234", "booth", "4321");

  /** What a logout writes in Redis (gateway/Sessions.close), without its message to the other servers. */
  private static void closeWithoutTelling(String cookie) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(Sessions.COOKIE + "=([^;]+)").matcher(cookie);
    assertTrue(m.find(), cookie);
    String token = m.group(1);
    for (var site : config.sites()) {
      city.redis(Command.SET, io.vaxflow.store.SiteKeys.Site.CLOSED_SESSION.of(site.id(), token), "1", "EX", Sessions.CLOSED_MARK.toSeconds());
    }
    city.redis(Command.DEL, io.vaxflow.store.SiteKeys.session(token));
  }

  @Test
  void meTellsEachStaffMemberWhatTheGuardsLetThemDo() {
    Map<String, String> accounts = new LinkedHashMap<>();
    accounts.put("manager", manager);
    accounts.put("door", door);
    accounts.put("desk", desk);
    accounts.put("booth", booth);
    accounts.put("xh-manager", xhManager);
    accounts.put("xh-staff", xhStaff);
    int checked = 0;
    for (Map.Entry<String, String> a : accounts.entrySet()) {
      Reply me = city.get("/api/v1/auth/me", a.getValue());
      assertEquals(200, me.status(), me.body());
      assertEquals(a.getKey(), me.json().getJsonObject("staff").getString("id"));
      JsonObject may = me.json().getJsonObject("may");
      assertNotNull(may, me.body());
      assertEquals(a.getKey().startsWith("xh-") ? Set.of("xuhui") : Set.of("xuhui", "jingan", "pudong"), may.fieldNames(), a.getKey());
      for (Call call : staffCalls()) {
        JsonObject here = may.getJsonObject(SITE);
        boolean allowed = here != null && (call.access().rule() == Access.Rule.STATION_KIND
            ? here.getJsonArray("stations").contains(call.kind().get().name().toLowerCase(java.util.Locale.ROOT))
            : here.getJsonArray("routes").contains(call.route()));
        Reply r = call.send(city, a.getValue());
        assertNotEquals(401, r.status(), call + " as " + a.getKey() + ": " + r.body());
        assertEquals(allowed, r.status() != 403, call + " as " + a.getKey() + ", who /auth/me says " + (allowed ? "may" : "may not")
            + " (" + may.encode() + "): " + r.status() + " " + r.body());
        checked++;
      }
    }
    // what the pages read: the stations one may work and whether one runs the site
    JsonObject managerMay = city.get("/api/v1/auth/me", manager).json().getJsonObject("may").getJsonObject(SITE);
    assertEquals(new io.vertx.core.json.JsonArray().add("door").add("desk").add("booth"), managerMay.getJsonArray("stations"));
    assertTrue(managerMay.getBoolean("manage"));
    JsonObject doorMay = city.get("/api/v1/auth/me", door).json().getJsonObject("may").getJsonObject(SITE);
    assertEquals(new io.vertx.core.json.JsonArray().add("door"), doorMay.getJsonArray("stations"));
    assertFalse(doorMay.getBoolean("manage"));
    // the login answer says the same as /auth/me
    Reply login = city.post("/api/v1/auth/login", null, new JsonObject().put("staffId", "desk").put("pin", "1234"));
    assertEquals(200, login.status(), login.body());
    assertEquals(city.get("/api/v1/auth/me", desk).json().getJsonObject("may"), login.json().getJsonObject("may"));
    System.out.println("RouteAccessTest: /auth/me agreed with the guards on " + checked + " requests");
  }

  @Test
  void publicRoutesNeedNoSession() {
    Map<String, Reply> replies = new TreeMap<>();
    for (Call call : publicCalls()) {
      Reply r = call.send(city, null);
      replies.put(call.toString(), r);
      assertTrue(r.status() < 500, call + ": " + r.status() + " " + r.body());
      if (call.access().rule() == Access.Rule.SIGNED_IN) {
        assertEquals(401, r.status(), call + ": " + r.body());
        assertEquals("UNAUTHENTICATED", r.errorCode());
      } else if (call.path().endsWith("/devices/enrol")) {
        // a made-up code: the guard let the request in, the code was refused
        assertEquals(422, r.status(), call + ": " + r.body());
        assertEquals("ENROL_CODE_INVALID", r.errorCode());
      } else if (call.path().startsWith("/api/") && call.path().contains("/certificate?")) {
        // W001 is not released: the guard let the request in, there is no certificate yet
        assertEquals(409, r.status(), call + ": " + r.body());
        assertEquals("NO_CERTIFICATE", r.errorCode());
      } else if (call.path().contains("/away?")) {
        // the ticket (W001) was called to the room: the guard let the request in, the flow refused it
        assertTrue(r.status() == 200 || (r.status() == 409 && "INVALID_TRANSITION".equals(r.errorCode())), call + ": " + r.body());
      } else {
        assertTrue(r.status() >= 200 && r.status() < 300, call + " anonymously: " + r.status() + " " + r.body());
      }
    }
    // plumbing: static files and the event-bus bridge's info are public too
    assertEquals(200, city.get("/favicon.svg").status());
    assertEquals(200, city.get("/eventbus/info").status());
    System.out.println("RouteAccessTest: public routes answered anonymously: " + replies.keySet());
  }

  /**
   * Every route of a site's devices (checking in, signing in) refuses anything but an enrolled device of its role (of
   * the route's site, where it names one) with 403 DEVICE_REQUIRED, before anything else: nothing changes in Redis,
   * not even a rate-limit bucket. The devices are elsewhere than the server's own computer (through the trusted
   * proxy), so none is the demo's local browser; the right one passes.
   */
  @Test
  void everyDeviceRouteRefusesAnythingButAnEnrolledDeviceOfItsRole() {
    Device kiosk = DeviceKit.enrol(city, manager, SITE, "kiosk", "Route kiosk", "192.0.2.10");
    Device tablet = DeviceKit.enrol(city, manager, SITE, "tablet", "Route tablet", "192.0.2.11");
    Device hall = DeviceKit.enrol(city, manager, SITE, "hall", "Route hall", "192.0.2.12");
    Device xuhuiKiosk = DeviceKit.enrol(city, manager, "xuhui", "kiosk", "Xuhui kiosk", "192.0.2.13");
    String token = kiosk.cookie().substring(DeviceKit.COOKIE.length());
    Device forged = new Device("forged", "192.0.2.14", DeviceKit.COOKIE + token.substring(0, token.length() - 4) + "AAAA");
    Device none = new Device("none", "192.0.2.15", null);
    Map<String, Device> right = Map.of("kiosk", kiosk, "tablet", tablet);
    int refusals = 0;
    Set<String> walked = new TreeSet<>();
    for (String key : routeKeys()) {
      Access access = declared(key);
      if (!access.needsDevice()) continue;
      walked.add(key);
      String role = access.device().get().wire();
      Device theOther = role.equals("kiosk") ? tablet : kiosk;
      for (Call call : expand(key, access)) {
        Map<String, String> before = dumpAll();
        List<String> buckets = keys("rl:*");
        for (Device wrong : List.of(none, forged, hall, theOther, xuhuiKiosk)) {
          if (wrong == xuhuiKiosk && !call.path().contains("/sites/")) continue; // a kiosk at the login: theOther covers it
          Reply r = call.send(city, wrong.cookie(), wrong.headers());
          assertEquals(403, r.status(), call + " from " + wrong.id() + ": " + r.body());
          assertEquals("DEVICE_REQUIRED", r.errorCode(), call + " from " + wrong.id());
          assertTrue(r.headers().getAll("Set-Cookie").isEmpty(), call + " from " + wrong.id());
          refusals++;
        }
        Map<String, String> after = dumpAll();
        if (!before.equals(after)) fail(call + ": refused requests changed Redis:" + TestCity.dumpDiff(before, after));
        assertEquals(buckets, keys("rl:*"), call + ": a refused request drew on a rate limit");
        Device ok = right.get(role);
        Reply r = call.send(city, ok.cookie(), ok.headers());
        assertTrue(r.status() >= 200 && r.status() < 300, call + " from the site's " + role + ": " + r.status() + " " + r.body());
      }
    }
    assertEquals(DEVICE_ROUTES.keySet(), walked);
    System.out.printf("RouteAccessTest: %d device routes, %d refusals checked%n", walked.size(), refusals);
  }

  private static List<String> keys(String pattern) {
    List<String> out = new ArrayList<>();
    for (var k : city.redis(Command.KEYS, pattern)) out.add(k.toString());
    java.util.Collections.sort(out);
    return out;
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

  /** The rule the route of this key declares. */
  private static Access declared(String key) {
    Set<Access> rules = new java.util.HashSet<>();
    for (RouteSpec r : city.server.routes()) if (r.key().equals(key)) rules.add(r.access());
    assertEquals(1, rules.size(), key + " declares " + rules);
    return rules.iterator().next();
  }

  /** Every staff route of the router as concrete requests: each station kind, each action. */
  private static List<Call> staffCalls() {
    List<Call> out = new ArrayList<>();
    for (String key : routeKeys()) {
      Access access = declared(key);
      if (access.needsStaff() && access.rule() != Access.Rule.SIGNED_IN) out.addAll(expand(key, access));
    }
    return out;
  }

  private static List<Call> publicCalls() {
    List<Call> out = new ArrayList<>();
    for (String key : routeKeys()) {
      Access access = declared(key);
      if (access.rule() == Access.Rule.PUBLIC || access.rule() == Access.Rule.SIGNED_IN) out.addAll(expand(key, access));
    }
    return out;
  }

  /** The route with its parameters filled in: every station (door, desk, booth) and every action. */
  private static List<Call> expand(String key, Access access) {
    HttpMethod method = HttpMethod.valueOf(key.substring(0, key.indexOf(' ')));
    // a device no site has: a manager's revocation of it passes the guard and finds nothing (404)
    String pattern = key.substring(key.indexOf(' ') + 1).replace(":site", SITE).replace(":number", TICKET)
        .replace(":device", "no-such-device");
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
        // a ticket's phone, its page and its routes: with the key of the ticket's link
        if (path.startsWith("/t/") || path.endsWith("/track") || path.endsWith("/away") || path.endsWith("/back")
            || path.endsWith("/certificate")) {
          path += "?k=" + io.vaxflow.support.FlowKit.trackKey(city, TICKET, TestCity.TODAY);
        }
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
    if (key.endsWith("/reaction")) return new JsonObject().put("symptoms", "rash").put("severity", "mild");
    // the switches in the state the site is already in: the other tests still check people in
    if (key.endsWith("/walk-ins")) return new JsonObject().put("allow", true);
    if (key.endsWith("/close-early")) return new JsonObject().put("closed", false);
    if (key.endsWith("/bookings")) {
      return new JsonObject().put("name", "Li Wei").put("idNumber", "310101199001010098").put("phone", "13800138000")
          .put("dose", 1).put("day", TestCity.TODAY).put("siteId", SITE);
    }
    // a person's look-up, change, cancellation or erasure: its first step (a code to the phone)
    if (key.endsWith("/bookings/lookup")) return new JsonObject().put("idNumber", "310101199001010098").put("phone", "13800138000");
    if (key.endsWith("/bookings/change") || key.endsWith("/bookings/cancel") || key.endsWith("/bookings/erase")) {
      return new JsonObject().put("idNumber", "310101199001010098").put("phone", "13800138000").put("dose", 1);
    }
    // joining a standby list: its first step (a code to the phone)
    if (key.endsWith("/standby")) return new JsonObject().put("name", "Li Wei").put("phone", "13800138000").put("community", "Lujiazui").put("dose", 1);
    if (key.endsWith("/checkins")) {
      return new JsonObject().put("walkIn", new JsonObject().put("name", "Zhou Min").put("idNumber", "310101199001010098")
          .put("dose", 1));
    }
    if (key.endsWith("/auth/login")) return new JsonObject().put("staffId", "booth").put("pin", "4321");
    if (key.endsWith("/devices/codes")) return new JsonObject().put("role", "kiosk").put("name", "Route walk");
    if (key.endsWith("/devices/enrol")) return new JsonObject().put("code", "AAAA-AAAA");
    if (key.endsWith("/certificates/verify")) return new JsonObject().put("certificate", "not.a.certificate");
    if (key.endsWith("/stock/lots")) {
      return new JsonObject().put("product", "corona-vac").put("lot", "ROUTE-1").put("expiry", "2027-06-30").put("vials", 1);
    }
    if (key.endsWith("/vial")) return new JsonObject().put("lot", "PD-MR2611B"); // the demo's lot at pudong
    return method == HttpMethod.GET ? null : new JsonObject();
  }

  /** The demo accounts (door, desk, vaccinator; all sites) whose role the route's rule does not let in. */
  private static List<String> wrongRoles(Call call) {
    List<String> wrong = new ArrayList<>();
    for (String who : List.of(door, desk, booth)) if (!call.access().permits(account(who), SITE, call.kind())) wrong.add(who);
    return wrong;
  }

  /** An account the request is meant for: the first of booth, desk, door, manager its rule lets in. */
  private static String rightAccount(Call call) {
    for (String who : List.of(booth, desk, door, manager)) if (call.access().permits(account(who), SITE, call.kind())) return who;
    throw new IllegalArgumentException(call + ": its rule " + call.access() + " lets none of the demo staff in");
  }

  /** The config's account behind a session cookie of this test. */
  private static StaffAccount account(String cookie) {
    String id = describe(cookie);
    return config.staffAccount(id).orElseThrow(() -> new IllegalArgumentException(id));
  }

  /** The request is refused with this status and code as the API's error JSON, by the guard (not the CSRF check). */
  private static void refused(Call call, String cookie, int status, String code) {
    refused(city, call, cookie, status, code);
  }

  private static void refused(TestCity server, Call call, String cookie, int status, String code) {
    Reply r = call.send(server, cookie);
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
    for (Map.Entry<String, String> e : Map.of("manager", String.valueOf(manager), "door", String.valueOf(door), "desk", String.valueOf(desk),
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
