package io.vaxflow.gateway;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.announce.Addresses;
import io.vaxflow.announce.BridgeClient;
import io.vaxflow.security.DeviceToken;
import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.DeviceKit;
import io.vaxflow.support.DeviceKit.Device;
import io.vaxflow.support.Ids;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kiosks, hall displays and staff tablets are devices of a site (gateway/Devices): a manager's one-time code enrols
 * one, which keeps an HttpOnly credential; only its kiosks check people in, only its tablets sign staff in, only its
 * displays are heard; a revoked device is refused at once on every instance; the operator's command enrols a site's
 * first tablet; the demo enrols the browser on the server's own computer by itself, and nobody else. Devices
 * elsewhere come through the trusted loopback proxy (X-Forwarded-For). One demo city for the class, a second
 * instance on its Redis for the revocations.
 */
@ExtendWith(VertxExtension.class)
class DevicesTest {

  private static TestCity city;
  private static SiteStaff staff;
  private static TestCity other;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1"))).signedIn();

  @AfterAll
  static void stop() {
    if (other != null) other.close();
  }

  private static JsonObject walkIn(String name, String id) {
    return new JsonObject().put("walkIn", new JsonObject().put("name", name).put("idNumber", id).put("dose", 1));
  }

  private static Reply checkIn(TestCity at, String cookie, Map<String, String> headers, JsonObject body) {
    return at.send(HttpMethod.POST, API + "/checkins", cookie, headers, body.toBuffer());
  }

  private static Optional<JsonObject> listed(TestCity at, String id) {
    JsonArray devices = at.get(API + "/devices", staff.manager()).json().getJsonArray("devices");
    return devices.stream().map(JsonObject.class::cast).filter(d -> id.equals(d.getString("id"))).findFirst();
  }

  @Test
  void aManagersOneTimeCodeEnrolsAKioskThatKeepsAnHttpOnlyCredential() {
    Reply code = city.post(API + "/devices/codes", staff.manager(), new JsonObject().put("role", "kiosk").put("name", "Kiosk by the door"));
    assertEquals(201, code.status(), code.body());
    String typed = code.json().getString("code");
    assertTrue(typed.matches("[0-9A-Z]{4}-[0-9A-Z]{4}"), typed);
    assertEquals("/sites/pudong/enrol?code=" + typed, code.json().getString("enrolPath"));

    // typed on the device, in lower case and without its dash
    Reply enrolled = city.send(HttpMethod.POST, API + "/devices/enrol", null, DeviceKit.from("198.51.100.20"),
        new JsonObject().put("code", typed.replace("-", "").toLowerCase(Locale.ROOT)).toBuffer());
    assertEquals(201, enrolled.status(), enrolled.body());
    assertEquals("kiosk", enrolled.json().getJsonObject("device").getString("role"));
    assertEquals("/sites/pudong/kiosk", enrolled.json().getString("page"));
    String setCookie = enrolled.headers().getAll("Set-Cookie").stream().filter(c -> c.startsWith(DeviceKit.COOKIE)).findFirst().orElseThrow();
    List<String> attributes = List.of(setCookie.toLowerCase(Locale.ROOT).split(";\\s*"));
    assertTrue(attributes.contains("httponly") && attributes.contains("samesite=strict") && attributes.contains("path=/"), setCookie);
    assertFalse(attributes.contains("secure"), "plain http: " + setCookie);
    long maxAge = attributes.stream().filter(a -> a.startsWith("max-age=")).map(a -> Long.parseLong(a.substring(8))).findFirst().orElse(0L);
    assertTrue(maxAge >= 300L * 86_400, "a long-lived credential: " + setCookie);
    Device kiosk = new Device(enrolled.json().getJsonObject("device").getString("id"), "198.51.100.20", DeviceKit.cookie(List.of(setCookie)));

    // the code was good once; a wrong one is refused the same way
    for (String again : List.of(typed, "7K3M-9Q2P", "short")) {
      Reply r = city.send(HttpMethod.POST, API + "/devices/enrol", null, DeviceKit.from("198.51.100.21"),
          new JsonObject().put("code", again).toBuffer());
      assertEquals(422, r.status(), again + ": " + r.body());
      assertEquals("ENROL_CODE_INVALID", r.errorCode());
      assertTrue(r.headers().getAll("Set-Cookie").isEmpty(), "no credential for " + again);
    }

    // on the dashboard's list, with who enrolled it and when it was last seen
    JsonObject listed = listed(city, kiosk.id()).orElseThrow(() -> new AssertionError("not listed: " + kiosk.id()));
    assertEquals("Kiosk by the door", listed.getString("name"));
    assertEquals("manager", listed.getString("enrolledBy"));
    assertNotNull(listed.getString("lastSeen"));

    // Redis keeps only the hash of the credential's secret, never the credential
    String token = kiosk.cookie().substring(DeviceKit.COOKIE.length());
    String secret = token.split("\\.")[3];
    assertEquals(1, city.redis(Command.EXISTS, io.vaxflow.store.SiteKeys.Site.DEVICE.of(SITE, DeviceToken.hash(secret))).toInteger());
    Map<String, String> dump = city.siteDump(SITE);
    for (var e : dump.entrySet()) {
      assertFalse(e.getKey().contains(secret), "the secret in a key name: " + e.getKey());
      assertFalse(new String(java.util.HexFormat.of().parseHex(e.getValue()), java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret),
          "the secret in " + e.getKey());
    }

    // the kiosk checks people in; its address without it, a forged credential, the kiosk at another site: refused
    Reply ok = checkIn(city, kiosk.cookie(), kiosk.headers(), walkIn("Kiosk Test", Ids.valid("31010119800101700")));
    assertEquals(201, ok.status(), ok.body());
    String forged = kiosk.cookie().substring(0, kiosk.cookie().length() - 2) + (kiosk.cookie().endsWith("AA") ? "BB" : "AA");
    for (String cookie : new String[] {null, forged, "vf_device=" + token.replace(".kiosk.", ".tablet.")}) {
      Reply r = checkIn(city, cookie, kiosk.headers(), walkIn("Kiosk Test", Ids.valid("31010119800101700")));
      assertEquals(403, r.status(), cookie + ": " + r.body());
      assertEquals("DEVICE_REQUIRED", r.errorCode());
    }
    Reply elsewhere = city.send(HttpMethod.POST, "/api/v1/sites/xuhui/checkins", kiosk.cookie(), kiosk.headers(),
        new JsonObject().put("voucher", "XH-7K3M-9Q2P").toBuffer());
    assertEquals(403, elsewhere.status(), elsewhere.body());
    assertEquals("DEVICE_REQUIRED", elsewhere.errorCode());

    // behind a trusted proxy on HTTPS the credential is Secure
    String httpsCode = DeviceKit.code(city, staff.manager(), SITE, "hall", "Hall east");
    Reply https = city.send(HttpMethod.POST, API + "/devices/enrol", null,
        Map.of("X-Forwarded-For", "198.51.100.22", "X-Forwarded-Proto", "https"), new JsonObject().put("code", httpsCode).toBuffer());
    assertEquals(201, https.status(), https.body());
    assertTrue(https.headers().getAll("Set-Cookie").stream().anyMatch(c -> c.startsWith(DeviceKit.COOKIE)
        && List.of(c.toLowerCase(Locale.ROOT).split(";\\s*")).contains("secure")), https.headers().getAll("Set-Cookie").toString());
  }

  @Test
  void staffSignInOnlyOnTheSitesTabletsAndWrongPinsLockThatTabletOnly() {
    Device one = DeviceKit.enrol(city, staff.manager(), SITE, "tablet", "Desk tablet 1", "198.51.100.31");
    Device two = DeviceKit.enrol(city, staff.manager(), SITE, "tablet", "Desk tablet 2", "198.51.100.32");
    Device kiosk = DeviceKit.enrol(city, staff.manager(), SITE, "kiosk", "Kiosk", "198.51.100.33");
    JsonObject desk = new JsonObject().put("staffId", "desk").put("pin", "1234");
    // from anywhere else, or on a kiosk: refused before the PIN
    for (Device d : new Device[] {new Device("none", "198.51.100.34", null), kiosk}) {
      Reply r = city.send(HttpMethod.POST, "/api/v1/auth/login", d.cookie(), d.headers(), desk.toBuffer());
      assertEquals(403, r.status(), r.body());
      assertEquals("DEVICE_REQUIRED", r.errorCode());
      assertTrue(r.headers().getAll("Set-Cookie").isEmpty());
    }
    String signedIn = DeviceKit.login(city, one, "desk", "1234");
    assertEquals(200, city.send(HttpMethod.GET, "/api/v1/auth/me", signedIn, one.headers(), null).status());

    // the login guard counts by tablet: wrong PINs on one lock it (the city allows 1000 failures; the guard's
    // own count is what is read here), never the other
    for (int i = 0; i < 3; i++) {
      Reply wrong = city.send(HttpMethod.POST, "/api/v1/auth/login", one.cookie(), one.headers(),
          new JsonObject().put("staffId", "desk").put("pin", "000" + i).toBuffer());
      assertEquals(401, wrong.status(), wrong.body());
    }
    String guard = io.vaxflow.store.SiteKeys.loginGuard("desk", "dev:" + SITE + ":" + one.id()).get(0);
    assertEquals(3, city.redis(Command.GET, guard).toInteger(), "failures counted on " + guard);
    assertEquals(0, city.redis(Command.EXISTS, io.vaxflow.store.SiteKeys.loginGuard("desk", "dev:" + SITE + ":" + two.id()).get(0)).toInteger());
    assertEquals(0, city.redis(Command.EXISTS, io.vaxflow.store.SiteKeys.loginGuard("desk", "198.51.100.31").get(0)).toInteger(),
        "not counted by the tablet's address");
    DeviceKit.login(city, two, "desk", "1234");
  }

  /**
   * Revoked on one instance, refused on the other from the very next request: the kiosk's check-in (its script reads
   * the device's record), the tablet's sign-in and the session opened on it (closed with it), the hall display's
   * connection (closed when the revocation is heard) and any new ack from it.
   */
  @Test
  void aRevokedDeviceIsRefusedAtOnceOnTwoInstances(Vertx vertx) throws Exception {
    other = TestCity.on(city.redis, Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1"));
    for (int i = 0; i < 200 && city.redis(Command.PUBSUB, "NUMSUB", Devices.REVOKED).get(1).toLong() < 2; i++) Thread.sleep(50);
    assertEquals(2, city.redis(Command.PUBSUB, "NUMSUB", Devices.REVOKED).get(1).toLong(), "both instances hear revocations");
    Device kiosk = DeviceKit.enrol(city, staff.manager(), SITE, "kiosk", "Kiosk to revoke", "198.51.100.41");
    Device tablet = DeviceKit.enrol(city, staff.manager(), SITE, "tablet", "Tablet to revoke", "198.51.100.42");
    Device hall = DeviceKit.enrol(city, staff.manager(), SITE, "hall", "Display to revoke", "198.51.100.43");

    assertEquals(201, checkIn(other, kiosk.cookie(), kiosk.headers(), walkIn("Before Revoke", Ids.valid("31010119800101710"))).status());
    String session = DeviceKit.login(other, tablet, "desk", "1234");
    assertEquals(200, other.send(HttpMethod.GET, "/api/v1/auth/me", session, tablet.headers(), null).status());
    try (BridgeClient display = new BridgeClient(vertx, other.port(), hall.cookie(), hall.address())) {
      display.send(ack("hall-revoked", "1-1"));
      BridgeClient.await("the enrolled display heard on the dashboard", 10, () -> shows(other, "hall-revoked"));
      assertTrue(display.errors().isEmpty(), "its ack was taken: " + display.errors());

      for (Device d : List.of(kiosk, tablet, hall)) {
        Reply revoked = city.post(API + "/devices/" + d.id() + "/revoke", staff.manager(), null);
        assertEquals(200, revoked.status(), revoked.body());
        assertEquals(d.id(), revoked.json().getString("revoked"));
      }
      Reply refused = checkIn(other, kiosk.cookie(), kiosk.headers(), walkIn("After Revoke", Ids.valid("31010119800101710")));
      assertEquals(403, refused.status(), refused.body());
      assertEquals("DEVICE_REVOKED", refused.errorCode());
      assertEquals(401, other.send(HttpMethod.GET, "/api/v1/auth/me", session, tablet.headers(), null).status(),
          "the session opened on the revoked tablet is closed");
      Reply login = other.send(HttpMethod.POST, "/api/v1/auth/login", tablet.cookie(), tablet.headers(),
          new JsonObject().put("staffId", "desk").put("pin", "1234").toBuffer());
      assertEquals(403, login.status(), login.body());
      assertEquals("DEVICE_REVOKED", login.errorCode());
      BridgeClient.await("the revoked display's connection closed by the other instance", 10, display::closed);
    }
    try (BridgeClient again = new BridgeClient(vertx, other.port(), hall.cookie(), hall.address())) {
      again.send(ack("hall-revoked", "1-2"));
      BridgeClient.await("the revoked display's ack refused", 10, () -> !again.errors().isEmpty());
      assertEquals("rejected", again.errors().get(0).getString("body"));
    }
    for (Device d : List.of(kiosk, tablet, hall)) assertTrue(listed(other, d.id()).isEmpty(), d.id() + " is off the list");
    assertEquals(404, city.post(API + "/devices/" + kiosk.id() + "/revoke", staff.manager(), null).status(), "revoked already");
  }

  @Test
  void theOperatorsCommandEnrolsASitesFirstTablet() {
    DeviceKit.Printed printed = DeviceKit.operator(city, "jingan", "tablet");
    assertEquals(0, printed.status(), printed.err());
    assertNotNull(printed.code(), printed.out());
    assertTrue(printed.out().contains("http://127.0.0.1:" + city.port() + "/sites/jingan/enrol?code=" + printed.code()), printed.out());
    Device tablet = DeviceKit.redeem(city, "jingan", printed.code(), "198.51.100.51");
    DeviceKit.login(city, tablet, "manager", "2468");
    JsonObject listed = city.get("/api/v1/sites/jingan/devices", staff.manager()).json().getJsonArray("devices").stream()
        .map(JsonObject.class::cast).filter(d -> tablet.id().equals(d.getString("id"))).findFirst().orElseThrow();
    assertEquals("operator", listed.getString("enrolledBy"));
    assertEquals("tablet", listed.getString("role"));
    assertNotEquals(0, DeviceKit.operator(city, "nowhere", "tablet").status());
    assertNotEquals(0, DeviceKit.operator(city, "jingan", "printer").status());
  }

  /** The demo's local browser gets a credential for the page it opens; a browser elsewhere is told it is not enrolled. */
  @Test
  void theDemoEnrolsTheBrowserOnTheServersOwnComputerOnly() {
    Reply kioskPage = city.get("/sites/xuhui/kiosk?lang=en");
    assertEquals(200, kioskPage.status());
    String cookie = DeviceKit.cookie(kioskPage.headers().getAll("Set-Cookie"));
    assertTrue(kioskPage.body().contains("enrolled as this site&#x27;s kiosk by itself")
        || kioskPage.body().contains("enrolled as this site's kiosk by itself"), "the page says so");
    JsonObject demo = city.get("/api/v1/sites/xuhui/devices", staff.manager()).json().getJsonArray("devices").stream()
        .map(JsonObject.class::cast).filter(d -> "demo-kiosk".equals(d.getString("id"))).findFirst().orElseThrow();
    assertEquals("demo", demo.getString("enrolledBy"));
    // enrolled already: nothing new; the hall page enrols it as the hall's (the same id again, not one more)
    assertTrue(city.get("/sites/xuhui/kiosk?lang=en", cookie).headers().getAll("Set-Cookie").stream().noneMatch(c -> c.startsWith(DeviceKit.COOKIE)));
    for (int i = 0; i < 2; i++) DeviceKit.cookie(city.get("/sites/xuhui/hall?lang=en").headers().getAll("Set-Cookie"));
    long demoHalls = city.get("/api/v1/sites/xuhui/devices", staff.manager()).json().getJsonArray("devices").stream()
        .map(JsonObject.class::cast).filter(d -> d.getString("id").startsWith("demo-hall")).count();
    assertEquals(1, demoHalls);

    // a browser elsewhere (a forwarded address) is enrolled by nobody, and told
    Reply stranger = city.send(HttpMethod.GET, "/sites/xuhui/kiosk?lang=en", null, DeviceKit.from("203.0.113.60"), null);
    assertEquals(200, stranger.status());
    assertTrue(stranger.headers().getAll("Set-Cookie").stream().noneMatch(c -> c.startsWith(DeviceKit.COOKIE)), "no credential");
    assertTrue(stranger.body().contains("not an enrolled kiosk"), "the page says it is not enrolled");
    assertTrue(stranger.body().contains("/sites/xuhui/enrol"), "and where to enrol it");
    // an enrolled kiosk elsewhere is told it is, by its name
    Device kiosk = DeviceKit.enrol(city, staff.manager(), "xuhui", "kiosk", "Xuhui kiosk 2", "203.0.113.61");
    Reply enrolled = city.send(HttpMethod.GET, "/sites/xuhui/kiosk?lang=en", kiosk.cookie(), kiosk.headers(), null);
    assertTrue(enrolled.body().contains("Xuhui kiosk 2"), "the page names the kiosk");
  }

  private static JsonObject ack(String displayId, String callId) {
    return new JsonObject().put("type", "send").put("address", Addresses.ack(SITE))
        .put("body", new JsonObject().put("callId", callId).put("repeat", 1).put("displayId", displayId));
  }

  private static boolean shows(TestCity at, String displayId) {
    return at.get(API + "/metrics", staff.manager()).json().getJsonArray("displays").stream()
        .map(JsonObject.class::cast).anyMatch(d -> displayId.equals(d.getString("id")));
  }
}
