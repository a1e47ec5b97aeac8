package io.vaxflow.gateway;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.notify.Receiver;
import io.vaxflow.support.DeviceKit;
import io.vaxflow.support.DeviceKit.Device;
import io.vaxflow.support.Ids;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, attacks 4 to 6 replayed against a city outside demo mode, where the only devices are those its manager
 * enrolled (the first tablet by the operator's enrol command). Strangers are other addresses behind the trusted
 * loopback proxy (X-Forwarded-For).
 *
 * <ul>
 *   <li>4, a site's check-in stopped from outside: 200 addresses sent garbage vouchers, each under its own limit, and
 *       drained the site's bucket (the real kiosk refused 43 of 61 times, then 31 of 31);
 *   <li>5, the room blocked by fake walk-ins: 60 scripted walk-ins held the room's seats (the next real person waited
 *       51 minutes with every desk idle);
 *   <li>6, staff PINs guessed: one guess per fresh address was never slowed (the desk's PIN fell in 250 guesses, all
 *       10,000 in about 5 minutes).
 * </ul>
 * Here the site's bucket is exactly as big as the real kiosk's check-ins (and refills a token in 1,000 s): had a
 * stranger's request drawn a single token, the kiosk's last check-in would be refused.
 */
class EdgeAttackTest {

  /** The real kiosk's check-ins: walk-ins and vouchers, one after another while the crowd sends. */
  private static final int WALK_INS = 41;
  private static final int VOUCHERS = 20;
  private static final int ADDRESSES = 200;
  private static final int GUESSES = 10_000;

  private static final String SMS_SECRET = "edge-attack-test-sms-secret";

  private static TestCity city;
  /** The city's SMS gateway: outside demo mode a booking's code comes only by text. */
  private static Receiver sms;
  private static String manager;
  private static Device kiosk;
  private static Device deskTablet;

  @BeforeAll
  static void start() {
    sms = Receiver.start(SMS_SECRET);
    Map<String, String> settings = new HashMap<>(sms.webhook(0, "sms", "/sms", "otp"));
    settings.putAll(Map.ofEntries(
        // outside demo mode: no device is enrolled by itself, and the secrets are not the public demo ones
        Map.entry("DEMO", "false"), Map.entry("VOUCHER_SECRET", "edge-attack-test-voucher-secret-7f3a9c"),
        Map.entry("PUBLIC_URL", "http://127.0.0.1"),
        Map.entry("VAXFLOW_SITES_PUDONG_HALLCAPACITY", "1000"), Map.entry("VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "1000"),
        // outside demo mode no lot is seeded: a site keeping its stock elsewhere books by its slots alone
        Map.entry("VAXFLOW_SITES_PUDONG_STOCK_REQUIRED", "false"),
        // the limits as shipped, but the site's bucket: exactly the real kiosk's check-ins, next to nothing refilled
        Map.entry("VAXFLOW_LIMITS_KIOSK_RATE", "1"), Map.entry("VAXFLOW_LIMITS_KIOSK_BURST", "100"),
        Map.entry("VAXFLOW_LIMITS_SITE_RATE", "0.001"), Map.entry("VAXFLOW_LIMITS_SITE_BURST", String.valueOf(WALK_INS + VOUCHERS)),
        Map.entry("VAXFLOW_LIMITS_LOGIN_RATE", "0.5"), Map.entry("VAXFLOW_LIMITS_LOGIN_BURST", "10"),
        Map.entry("VAXFLOW_LIMITS_LOGINFAILURES", "5")));
    city = TestCity.start(settings);
    // the site's first tablet comes from the operator's command; its manager enrols the rest
    Device managersTablet = DeviceKit.redeem(city, SITE, DeviceKit.operatorCode(city, SITE, "tablet"), "198.51.100.1");
    manager = DeviceKit.login(city, managersTablet, "manager", "2468");
    kiosk = DeviceKit.enrol(city, manager, SITE, "kiosk", "Kiosk at the entrance", "198.51.100.2");
    deskTablet = DeviceKit.enrol(city, manager, SITE, "tablet", "Desk 1 tablet", "198.51.100.3");
  }

  @AfterAll
  static void stop() {
    if (city != null) city.close();
    if (sms != null) sms.close();
  }

  /** A real person's booking outside demo mode: the code read from the text the SMS gateway got. */
  private static String voucherOf(int i) {
    String phone = String.format("139%08d", i);
    JsonObject body = new JsonObject().put("name", "Voucher Person").put("idNumber", Ids.resident(85, i)).put("phone", phone)
        .put("dose", 1).put("day", TestCity.TODAY).put("siteId", SITE);
    Reply asked = city.post("/api/v1/bookings", body);
    if (asked.status() != 202) throw new AssertionError("booking: " + asked.status() + " " + asked.body());
    Reply booked = city.post("/api/v1/bookings", body.copy().put("code", sms.code(phone, "book", 0, 10_000)));
    if (booked.status() != 201) throw new AssertionError("booking: " + booked.status() + " " + booked.body());
    return booked.json().getString("voucher");
  }

  /** A request from a stranger's address, straight on the city's client (its answer counted, not checked one by one). */
  private static Future<HttpResponse<Buffer>> stranger(String path, String address, String cookie, JsonObject body) {
    var req = city.http.request(HttpMethod.POST, path).putHeader("X-Forwarded-For", address);
    if (cookie != null) req.putHeader("Cookie", cookie);
    return req.sendJsonObject(body);
  }

  private static Map<String, Integer> outcomes(List<Future<HttpResponse<Buffer>>> sent) {
    Future.join(sent).await();
    Map<String, Integer> out = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> f : sent) {
      String key = f.failed() ? "failed: " + f.cause() : f.result().statusCode() + " "
          + f.result().bodyAsJsonObject().getJsonObject("error").getString("code");
      out.merge(key, 1, Integer::sum);
    }
    return out;
  }

  private static JsonObject walkIn(String name, int i) {
    return new JsonObject().put("walkIn", new JsonObject().put("name", name).put("idNumber", Ids.resident(75, i)).put("dose", 1));
  }

  /**
   * Attacks 4 and 5: while 200 addresses send garbage vouchers, forged credentials, fake walk-ins and vouchers
   * photographed off people's phones, the kiosk checks 61 people in, every one at the first try; only they hold a
   * seat, and not one of the strangers' requests drew on a bucket or reached Redis.
   */
  @Test
  void aCrowdOutsideNeitherStopsTheKioskNorHoldsASeat() {
    List<String> vouchers = new ArrayList<>();
    for (int i = 0; i < VOUCHERS; i++) {
      vouchers.add(voucherOf(i));
    }
    String token = kiosk.cookie().substring(DeviceKit.COOKIE.length());
    List<Future<HttpResponse<Buffer>>> crowd = new ArrayList<>();
    long started = System.nanoTime();
    for (int a = 0; a < ADDRESSES; a++) {
      String address = "203.0." + (113 + a / 250) + "." + (a % 250 + 1);
      crowd.add(stranger(API + "/checkins", address, null, new JsonObject().put("voucher", "PD-GARB-AGE" + a)));
      crowd.add(stranger(API + "/checkins", address, null, walkIn("Fake Person", 100_000 + a)));
      // made-up credentials: garbage, and the kiosk's own with its secret changed (its tag no longer holds)
      crowd.add(stranger(API + "/checkins", address, "vf_device=garbage-" + a, walkIn("Fake Person", 200_000 + a)));
      String altered = token.substring(0, token.length() - 31) + String.format("%08d", a) + token.substring(token.length() - 23);
      crowd.add(stranger(API + "/checkins", address, "vf_device=" + altered, walkIn("Fake Person", 300_000 + a)));
      if (a < VOUCHERS) crowd.add(stranger(API + "/checkins", address, null, new JsonObject().put("voucher", vouchers.get(a))));
    }
    // the kiosk meanwhile: walk-ins and the vouchers' owners, each once
    int ok = 0;
    for (int i = 0; i < WALK_INS + VOUCHERS; i++) {
      // every third a voucher's owner (i = 2, 5, ... 59: all 20 of them), the others walk in
      JsonObject body = i % 3 == 2 ? new JsonObject().put("voucher", vouchers.get(i / 3)) : walkIn("Real Person", i);
      Reply r = city.send(HttpMethod.POST, API + "/checkins", kiosk.cookie(), kiosk.headers(), body.toBuffer());
      assertEquals(201, r.status(), "the kiosk's check-in " + (i + 1) + " during the crowd: " + r.body());
      ok++;
    }
    Map<String, Integer> refused = outcomes(crowd);
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("EdgeAttackTest 4-5: %d requests from %d addresses in %.1f s: %s; the kiosk: %d of %d checked in%n",
        crowd.size(), ADDRESSES, seconds, refused, ok, WALK_INS + VOUCHERS);
    assertEquals(Map.of("403 DEVICE_REQUIRED", crowd.size()), refused, "every stranger's request refused as not a kiosk");

    // only the kiosk's people hold a seat: the day's tickets, the people in the site, the tickets' names
    JsonObject state = city.get(API + "/state").json();
    assertEquals(WALK_INS + VOUCHERS, state.getJsonObject("counts").getLong("issued").intValue(), state.encode());
    Set<String> names = new TreeSet<>();
    int tickets = 0;
    for (String key : city.siteDump(SITE).keySet()) {
      if (!key.startsWith("vf:{" + SITE + "}:t:")) continue;
      tickets++;
      Response name = city.redis(Command.HGET, key, "name"); // sealed in the store: opened with the server's key
      names.add(name == null ? "" : io.vaxflow.security.PersonalData.fromVoucherSecret(city.config.voucherSecret()).open(name.toString()));
    }
    assertEquals(WALK_INS + VOUCHERS, tickets, "tickets in Redis");
    assertTrue(names.stream().noneMatch(n -> n.startsWith("Fake")), "a stranger's ticket: " + names);

    // not one token of the site's bucket went to a stranger (the kiosk took all of it), and no stranger has a bucket
    double left = Double.parseDouble(city.redis(Command.HGET, "rl:{" + SITE + "}:site", "tokens").toString());
    assertTrue(left < 1, "the site's bucket was spent by the kiosk alone: " + left + " tokens left");
    for (var k : city.redis(Command.KEYS, "rl:*")) {
      assertTrue(!k.toString().contains("203.0.11"), "a bucket of a stranger: " + k);
    }
  }

  /**
   * Attack 6: 10,000 PIN guesses for the desk, one from each of 10,000 addresses, every PIN from 0000 to 9999 (the
   * right one among them): none gets a session, none reaches a PIN check (no PBKDF2: the server's count of PIN checks
   * does not move), none counts against the desk's tablet or any login guard; the desk then signs in on its tablet
   * at once.
   */
  @Test
  void tenThousandPinGuessesFromTenThousandAddressesFindNothingAndLockNoTablet() {
    long checksBefore = pinChecks();
    int sessionsBefore = city.redis(Command.KEYS, "vf:session:*").size();
    long started = System.nanoTime();
    Map<String, Integer> refused = new TreeMap<>();
    for (int batch = 0; batch < GUESSES; batch += 1_000) {
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = batch; i < batch + 1_000; i++) {
        String address = "10." + (i / 65_536) + "." + (i / 256 % 256) + "." + (i % 256);
        sent.add(stranger("/api/v1/auth/login", address, null, new JsonObject().put("staffId", "desk").put("pin", String.format("%04d", i))));
      }
      outcomes(sent).forEach((k, v) -> refused.merge(k, v, Integer::sum));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long checks = pinChecks() - checksBefore;
    System.out.printf("EdgeAttackTest 6: %d PIN guesses from %d addresses answered in %.1f s: %s; PIN checks run: %d%n",
        GUESSES, GUESSES, seconds, refused, checks);
    assertEquals(Map.of("403 DEVICE_REQUIRED", GUESSES), refused, "no guess found the PIN, or got anything but a refusal");
    assertEquals(0, checks, "no guess reached a PIN check");
    assertEquals(sessionsBefore, city.redis(Command.KEYS, "vf:session:*").size(), "no session opened");
    assertEquals(0, city.redis(Command.KEYS, "rl:{login}:*").size(), "no login guard counted anything");
    assertEquals(0, city.redis(Command.KEYS, "rl:{10.*").size(), "no guessing address drew on a bucket");

    String desk = DeviceKit.login(city, deskTablet, "desk", "1234");
    assertEquals(200, city.send(HttpMethod.GET, "/api/v1/auth/me", desk, deskTablet.headers(), null).status());
    assertEquals(1, pinChecks() - checksBefore, "the desk's own sign-in: one PIN check");
  }

  /** The server's count of PIN checks, from /metrics. */
  private static long pinChecks() {
    for (String line : city.get("/metrics").body().split("\n")) {
      if (line.startsWith("vaxflow_login_pin_checks_total")) {
        double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        assertTrue(Double.isFinite(v), line);
        return (long) v;
      }
    }
    throw new AssertionError("no vaxflow_login_pin_checks_total on /metrics");
  }
}
