package io.vaxflow.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Login and staff actions refuse an opaque ({@code null}) or foreign {@code Origin}; the session and
 * CSRF cookies are {@code Secure} when the browser is on HTTPS by a trusted proxy's word
 * ({@code X-Forwarded-Proto: https}), and not otherwise, nor on an untrusted client's word.
 */
class OriginAndCookiesTest {

  private static final JsonObject DESK = new JsonObject().put("staffId", "desk").put("pin", "1234");
  private static final String LOGIN = "/api/v1/auth/login";

  @Test
  void loginAndStaffActionsRefuseANullOrForeignOrigin() {
    try (TestCity city = TestCity.start(Map.of())) {
      for (String origin : List.of("null", "http://evil.example", "http://127.0.0.1:1")) {
        Reply r = city.send(HttpMethod.POST, LOGIN, null, Map.of("Origin", origin), DESK.toBuffer());
        assertEquals(403, r.status(), "login with Origin " + origin + ": " + r.body());
        assertEquals("FORBIDDEN", r.errorCode());
        assertTrue(r.headers().getAll("Set-Cookie").isEmpty(), "no cookie for Origin " + origin);
      }
      assertEquals(0, city.redis(Command.KEYS, "vf:session:*").size(), "no session was opened");

      // our own pages' origin, and clients that send none (kiosk scripts, curl), log in
      Reply own = city.send(HttpMethod.POST, LOGIN, null, Map.of("Origin", "http://127.0.0.1:" + city.port()), DESK.toBuffer());
      assertEquals(200, own.status(), own.body());
      String cookie = city.login("desk", "1234");

      Reply nullAction = city.send(HttpMethod.POST, "/api/v1/sites/pudong/stations/desk-4/pause", cookie,
          Map.of("Origin", "null"), Buffer.buffer());
      assertEquals(403, nullAction.status(), "a staff action with Origin null: " + nullAction.body());
      Reply action = city.post("/api/v1/sites/pudong/stations/desk-4/pause", cookie, null);
      assertEquals(200, action.status(), action.body());
    }
  }

  @Test
  void cookiesAreSecureBehindATrustedHttpsProxyOnly() {
    try (TestCity city = TestCity.start(Map.of())) { // trusted proxies: loopback (the default)
      Reply https = city.send(HttpMethod.POST, LOGIN, null, Map.of("X-Forwarded-Proto", "https"), DESK.toBuffer());
      assertEquals(200, https.status(), https.body());
      assertSecure(https.headers().getAll("Set-Cookie"), true, "behind a loopback proxy on https");
      String cookie = io.vaxflow.support.StaffCookies.cookieHeader(https.headers().getAll("Set-Cookie"));
      Reply logout = city.send(HttpMethod.POST, "/api/v1/auth/logout", cookie, Map.of("X-Forwarded-Proto", "https"), Buffer.buffer());
      assertEquals(200, logout.status(), logout.body());
      assertSecure(logout.headers().getAll("Set-Cookie"), true, "the logout's clearing cookie");

      Reply http = city.send(HttpMethod.POST, LOGIN, null, Map.of(), DESK.toBuffer());
      assertSecure(http.headers().getAll("Set-Cookie"), false, "plain http");
      Reply proxiedHttp = city.send(HttpMethod.POST, LOGIN, null, Map.of("X-Forwarded-Proto", "http"), DESK.toBuffer());
      assertSecure(proxiedHttp.headers().getAll("Set-Cookie"), false, "behind a proxy on http");
    }
    try (TestCity city = TestCity.start(Map.of("VAXFLOW_HTTP_TRUSTEDPROXIES", "127.0.0.1"))) {
      WebClient stranger = WebClient.create(city.vertx, new WebClientOptions().setLocalAddress("127.0.0.2")
          .setDefaultHost("127.0.0.1").setDefaultPort(city.port()));
      try {
        HttpResponse<Buffer> r = stranger.post(LOGIN).putHeader("X-Forwarded-Proto", "https").sendJsonObject(DESK).await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertSecure(r.cookies(), false, "127.0.0.2, not a trusted proxy, saying https");
      } finally {
        stranger.close();
      }
      Reply trusted = city.send(HttpMethod.POST, LOGIN, null, Map.of("X-Forwarded-Proto", "https"), DESK.toBuffer());
      assertSecure(trusted.headers().getAll("Set-Cookie"), true, "127.0.0.1, the trusted proxy, saying https");
    }
  }

  /**
   * Behind nginx every request comes from the proxy: the browser's address for the rate limits,
   * the login guard and the bridge is the one a trusted proxy appends to X-Forwarded-For, never
   * what the browser itself wrote there, nor anything an untrusted client says. Seen here in the
   * calls feed's per-address bucket (check-ins are counted by their kiosk: DevicesTest).
   */
  @Test
  void theBrowsersAddressIsWhatATrustedProxyReports() {
    String calls = "/api/v1/sites/pudong/calls";
    try (TestCity city = TestCity.start(Map.of())) { // trusted proxies: loopback (the default)
      Map<String, String> cases = new java.util.LinkedHashMap<>();
      cases.put("198.51.100.7", "198.51.100.7"); // nginx: $proxy_add_x_forwarded_for
      cases.put("203.0.113.66, 198.51.100.8", "198.51.100.8"); // the browser's own claim comes first and is not believed
      cases.put("198.51.100.9, 127.0.0.5", "198.51.100.9"); // two trusted proxies in a row
      cases.put("2001:db8::1", "2001:db8:0:0:0:0:0:1");
      cases.put("not-an-address", "127.0.0.1"); // garbled: the proxy itself is the client
      for (Map.Entry<String, String> c : cases.entrySet()) {
        Reply r = city.send(HttpMethod.GET, calls, null, Map.of("X-Forwarded-For", c.getKey()), null);
        assertEquals(200, r.status(), r.body());
        assertEquals(1, city.redis(Command.EXISTS, lookupBucket(c.getValue())).toInteger(),
            "X-Forwarded-For: " + c.getKey() + " is " + c.getValue());
      }
      assertEquals(0, city.redis(Command.EXISTS, lookupBucket("203.0.113.66")).toInteger());
    }
    try (TestCity city = TestCity.start(Map.of("VAXFLOW_HTTP_TRUSTEDPROXIES", "127.0.0.1"))) {
      WebClient stranger = WebClient.create(city.vertx, new WebClientOptions().setLocalAddress("127.0.0.2")
          .setDefaultHost("127.0.0.1").setDefaultPort(city.port()));
      try {
        HttpResponse<Buffer> r = stranger.get(calls).putHeader("X-Forwarded-For", "198.51.100.10").send().await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals(1, city.redis(Command.EXISTS, lookupBucket("127.0.0.2")).toInteger(),
            "127.0.0.2 is not a trusted proxy: its X-Forwarded-For is ignored");
        assertEquals(0, city.redis(Command.EXISTS, lookupBucket("198.51.100.10")).toInteger());
      } finally {
        stranger.close();
      }
    }
  }

  private static String lookupBucket(String address) {
    return io.vaxflow.store.SiteKeys.routeBucket(address, "lookup");
  }

  /** Both our cookies are there, each Secure or not as expected. */
  private static void assertSecure(List<String> setCookies, boolean secure, String when) {
    for (String name : List.of("vf_session=", "vf_csrf=")) {
      String c = setCookies.stream().filter(s -> s.startsWith(name)).findFirst()
          .orElse(name.equals("vf_csrf=") && setCookies.size() == 1 ? null : "missing");
      if (c == null) continue; // logout clears only the session cookie
      assertFalse(c.equals("missing"), when + ": no " + name + " cookie in " + setCookies);
      boolean has = List.of(c.toLowerCase(Locale.ROOT).split(";\\s*")).contains("secure");
      assertEquals(secure, has, when + ": " + c);
    }
  }

}
