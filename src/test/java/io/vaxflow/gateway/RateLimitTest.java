package io.vaxflow.gateway;

import io.vaxflow.support.Ids;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The current limit at the entrance, with the limits of the config put back (TestCity lifts them):
 * a burst of 1,000 kiosk check-ins from one address gets no more than the bucket's budget, the
 * rest 429 RATE_LIMITED with Retry-After, and another address is unaffected; the per-site bucket
 * caps several addresses together; five wrong PINs lock the address out, never the staff id.
 *
 * <p>Other client addresses are real: Linux routes all of 127.0.0.0/8 to loopback, so a client
 * bound to 127.0.0.2 reaches the server on 127.0.0.1 and the server sees 127.0.0.2.
 */
class RateLimitTest {

  private static final String CHECKINS = "/api/v1/sites/" + SITE + "/checkins";

  /** What a burst got: statuses, and the time from the first request sent to the last answer. */
  record Burst(List<HttpResponse<Buffer>> replies, double elapsedSec) {
    long count(int status) {
      return replies.stream().filter(r -> r.statusCode() == status).count();
    }
  }

  @Test
  void aBurstOfAThousandKioskRequestsGetsTheBudgetAndTheRest429() {
    int rate = 1;
    int burst = 20;
    fromTwoAddresses(bucket("kiosk", rate, burst), (city, one, two) -> {
      Burst b = checkInBurst(one, 1000, "1");
      long ok = b.count(201);
      long limited = b.count(429);
      long budget = burst + (long) Math.floor(rate * b.elapsedSec()) + 1;
      System.out.printf("RateLimitTest kiosk: 1000 requests in %.2f s from 127.0.0.1: %d × 201, %d × 429; budget %d "
          + "(burst %d + rate %d/s × elapsed + 1)%n", b.elapsedSec(), ok, limited, budget, burst, rate);
      assertEquals(1000, ok + limited, "every answer is 201 or 429: " + statuses(b));
      assertTrue(ok >= burst, "the burst itself is served: " + ok);
      assertTrue(ok <= budget, ok + " check-ins succeeded, more than the budget " + budget);
      for (HttpResponse<Buffer> r : b.replies()) {
        if (r.statusCode() == 429) assertRateLimited(r);
      }
      // only the acknowledged check-ins issued tickets
      JsonObject state = city.get("/api/v1/sites/" + SITE + "/state").json();
      assertEquals(ok, state.getJsonObject("counts").getLong("issued").longValue(), "tickets issued");

      // another address has its own bucket: its check-ins go through at once
      for (int i = 0; i < 5; i++) {
        HttpResponse<Buffer> r = checkIn(two, Ids.resident(18, i)).await();
        assertEquals(201, r.statusCode(), "from 127.0.0.2: " + r.bodyAsString());
      }
      assertEquals(1L, city.redis(Command.EXISTS, "rl:{" + SITE + "}:kiosk:127.0.0.2").toLong(),
          "the server saw the second address as 127.0.0.2");
    });
  }

  @Test
  void theSiteBucketCapsAllAddressesTogether() {
    int siteRate = 1;
    int siteBurst = 10;
    // the kiosk (per-address) buckets stay lifted: only the site's bucket can refuse
    fromTwoAddresses(bucket("site", siteRate, siteBurst), (city, one, two) -> {
      long started = System.nanoTime();
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        all.add(checkIn(one, Ids.resident(19, i)));
        all.add(checkIn(two, Ids.resident(20, i)));
      }
      Future.join(all).await();
      double elapsed = (System.nanoTime() - started) / 1e9;
      long ok = 0;
      long okOne = 0;
      long okTwo = 0;
      for (int i = 0; i < all.size(); i++) {
        HttpResponse<Buffer> r = all.get(i).result();
        if (r.statusCode() == 201) {
          ok++;
          if (i % 2 == 0) okOne++;
          else okTwo++;
        } else {
          assertEquals(429, r.statusCode(), r.bodyAsString());
          assertRateLimited(r);
        }
      }
      long budget = siteBurst + (long) Math.floor(siteRate * elapsed) + 1;
      System.out.printf("RateLimitTest site: 2 × 30 requests in %.2f s: %d × 201 (127.0.0.1: %d, 127.0.0.2: %d); "
          + "site budget %d%n", elapsed, ok, okOne, okTwo, budget);
      assertTrue(ok >= siteBurst, "the site's burst is served: " + ok);
      assertTrue(ok <= budget, "two addresses together got " + ok + " check-ins, more than the site's budget " + budget);
      assertTrue(60 - ok > 0 && okOne < 30 && okTwo < 30, "each address was refused some, though its own bucket was full");

      // the bucket is the site's: another site checks in as usual
      JsonObject booking = city.book("xuhui", "Wang Fang", "310101197001010013", null);
      TestCity.Reply r = city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
      assertEquals(201, r.status(), "xuhui is not limited by pudong's bucket: " + r.body());
    });
  }

  @Test
  void aStrangersWrongPinsLockOutTheStrangerNotTheStaffMember() {
    fromTwoAddresses(Map.of("VAXFLOW_LIMITS_LOGINFAILURES", "5"), (city, staff, attacker) -> {
      for (int i = 1; i <= 6; i++) {
        HttpResponse<Buffer> r = login(attacker, "door", "000" + i);
        if (i <= 5) {
          assertEquals(401, r.statusCode(), "wrong PIN " + i + ": " + r.bodyAsString());
          assertEquals("BAD_CREDENTIALS", error(r).getString("code"));
        } else {
          assertRateLimited(r);
        }
      }
      long sessionsBefore = sessions(city);
      // the attacker's address is locked for the lockout time, the right PIN and other staff ids included
      HttpResponse<Buffer> locked = login(attacker, "door", "1357");
      assertRateLimited(locked);
      long retryAfter = Long.parseLong(locked.getHeader("Retry-After"));
      System.out.println("RateLimitTest login: the attacker's address locked out, Retry-After " + retryAfter + " s");
      assertTrue(retryAfter > 60, "locked for the lockout time (900 s), not a token: " + retryAfter);
      assertEquals(null, locked.getHeader("Set-Cookie"), "no session cookie while locked");
      assertRateLimited(login(attacker, "manager", "2468"));
      assertEquals(sessionsBefore, sessions(city), "no session was opened from the locked address");

      // the staff member, from an address of their own, logs in with the right PIN at once
      HttpResponse<Buffer> door = login(staff, "door", "1357");
      assertEquals(200, door.statusCode(), "door from 127.0.0.1: " + door.bodyAsString());
      assertEquals("door", door.bodyAsJsonObject().getJsonObject("staff").getString("id"));
    });
  }

  @Test
  void guessingAcrossStaffIdsFromOneAddressIsLockedOut() {
    fromTwoAddresses(Map.of("VAXFLOW_LIMITS_LOGINFAILURES", "5"), (city, staff, attacker) -> {
      List<String> ids = List.of("door", "desk", "manager", "booth", "nobody");
      for (String id : ids) {
        HttpResponse<Buffer> r = login(attacker, id, "0000");
        assertEquals(401, r.statusCode(), id + ": " + r.bodyAsString());
      }
      // one wrong PIN per staff id, five in all: the address is locked for every staff id, right PINs too
      assertRateLimited(login(attacker, "vaccinator", "0000"));
      assertRateLimited(login(attacker, "door", "1357"));
      // no staff id was locked by it
      assertEquals(200, login(staff, "desk", "1234").statusCode(), "desk from 127.0.0.1");
    });
  }

  @Test
  void guessingOneStaffIdFromManyAddressesSlowsThoseAddressesOnly() {
    try (TestCity city = TestCity.start(Map.of("VAXFLOW_LIMITS_LOGINFAILURES", "5"))) {
      List<WebClient> attackers = new ArrayList<>();
      for (int i = 2; i <= 7; i++) attackers.add(client(city, "127.0.0." + i));
      WebClient staff = client(city, "127.0.0.1");
      try {
        for (WebClient a : attackers) {
          HttpResponse<Buffer> r = login(a, "door", "0000");
          assertEquals(401, r.statusCode(), r.bodyAsString());
        }
        // six failures for door from six addresses, none locked: each that failed must now wait
        HttpResponse<Buffer> slowed = login(attackers.get(0), "door", "0001");
        assertRateLimited(slowed);
        System.out.println("RateLimitTest login: door guessed from 6 addresses, a guessing address waits "
            + slowed.getHeader("Retry-After") + " s");
        // while an address that has not failed for door logs in with the right PIN at once
        assertEquals(200, login(staff, "door", "1357").statusCode(), "door from 127.0.0.1");
        // and a guessing address may still log in other staff ids
        assertEquals(200, login(attackers.get(1), "desk", "1234").statusCode(), "desk from 127.0.0.3");
      } finally {
        staff.close();
        attackers.forEach(WebClient::close);
      }
    }
  }

  // ---- helpers ----

  interface TwoAddresses {
    void run(TestCity city, WebClient one, WebClient two);
  }

  /** A city with these overrides and clients from 127.0.0.1 and 127.0.0.2, all closed after. */
  private static void fromTwoAddresses(Map<String, String> env, TwoAddresses body) {
    try (TestCity city = TestCity.start(env)) {
      WebClient one = client(city, "127.0.0.1");
      WebClient two = client(city, "127.0.0.2");
      try {
        body.run(city, one, two);
      } finally {
        one.close();
        two.close();
      }
    }
  }

  /** The overrides that set the bucket {@code limits.<name>} (kiosk, site) to {@code rate} a second and {@code burst}. */
  private static Map<String, String> bucket(String name, int rate, int burst) {
    String key = "VAXFLOW_LIMITS_" + name.toUpperCase(java.util.Locale.ROOT);
    return Map.of(key + "_RATE", String.valueOf(rate), key + "_BURST", String.valueOf(burst));
  }

  /** A client whose connections come from {@code localAddress}. */
  private static WebClient client(TestCity city, String localAddress) {
    return WebClient.create(city.vertx, new WebClientOptions().setLocalAddress(localAddress)
        .setDefaultHost("127.0.0.1").setDefaultPort(city.port()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(32));
  }

  private static Burst checkInBurst(WebClient client, int n, String idPrefix) {
    long started = System.nanoTime();
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) all.add(checkIn(client, Ids.resident(40 + Integer.parseInt(idPrefix), i)));
    Future.join(all).await();
    double elapsed = (System.nanoTime() - started) / 1e9;
    List<HttpResponse<Buffer>> replies = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> f : all) {
      assertTrue(f.succeeded(), "a request failed at the client: " + f.cause());
      replies.add(f.result());
    }
    return new Burst(replies, elapsed);
  }

  private static Future<HttpResponse<Buffer>> checkIn(WebClient client, String idNumber) {
    return client.post(CHECKINS).sendJsonObject(new JsonObject().put("walkIn",
        new JsonObject().put("name", "Chen Jie").put("idNumber", idNumber).put("dose", 1)));
  }

  private static HttpResponse<Buffer> login(WebClient client, String staffId, String pin) {
    return client.post("/api/v1/auth/login").sendJsonObject(new JsonObject().put("staffId", staffId).put("pin", pin)).await();
  }

  private static JsonObject error(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error");
  }

  /** 429 RATE_LIMITED as error JSON, with a Retry-After of at least a second that matches the body. */
  private static void assertRateLimited(HttpResponse<Buffer> r) {
    assertEquals(429, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
    JsonObject error = error(r);
    assertEquals("RATE_LIMITED", error.getString("code"), r.bodyAsString());
    String retryAfter = r.getHeader("Retry-After");
    assertNotNull(retryAfter, "429 without Retry-After: " + r.bodyAsString());
    long sec = Long.parseLong(retryAfter);
    assertTrue(sec >= 1, "Retry-After " + retryAfter);
    assertEquals(sec, error.getLong("retryAfterSec").longValue(), "header and body agree");
  }

  private static long sessions(TestCity city) {
    return city.redis(Command.KEYS, "vf:session:*").size();
  }

  private static String statuses(Burst b) {
    Map<Integer, Long> m = new java.util.TreeMap<>();
    b.replies().forEach(r -> m.merge(r.statusCode(), 1L, Long::sum));
    return m.toString();
  }
}
