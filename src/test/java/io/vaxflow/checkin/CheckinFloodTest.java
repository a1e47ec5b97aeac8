package io.vaxflow.checkin;

import io.vaxflow.appointment.Voucher;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.DeviceKit;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flood of bad vouchers from one of the site's own kiosks. What the server can tell without Redis (garbage, a
 * forged signature, another site's code) is refused every time at once and draws on no bucket at all, so it can
 * never use up the kiosk's budget, let alone the site's; what only the appointment registry can answer (a short code
 * nobody booked, a signed voucher of an appointment that does not exist) draws a token first, and gets 429 with
 * Retry-After once the kiosk's burst is spent: a forged code never reaches the registry unthrottled.
 */
class CheckinFloodTest {

  private static final String SECRET = "vaxflow-demo-voucher-secret-change-me";
  private static final int ATTEMPTS = 1_000;
  private static final int BURST = 20;
  private static TestCity city;
  private static String manager;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(
      Map.of("VAXFLOW_LIMITS_KIOSK_RATE", "1", "VAXFLOW_LIMITS_KIOSK_BURST", String.valueOf(BURST))));

  @BeforeAll
  static void start() {
    manager = city.login("manager", "2468");
  }

  /** What each attempt got, by status and code. */
  private static Map<String, Integer> flood(DeviceKit.Device kiosk, IntFunction<String> voucher) {
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < ATTEMPTS; i++) {
      Reply r = city.send(HttpMethod.POST, "/api/v1/sites/" + SITE + "/checkins", kiosk.cookie(), kiosk.headers(),
          new JsonObject().put("voucher", voucher.apply(i)).toBuffer());
      outcomes.merge(r.status() == 201 ? "201" : r.status() + " " + r.errorCode(), 1, Integer::sum);
      if (r.status() == 429) assertNotNull(r.headers().get("Retry-After"), "429 without Retry-After: " + r.body());
    }
    return outcomes;
  }

  private static List<String> buckets(DeviceKit.Device kiosk) {
    return io.vaxflow.gateway.RateLimiter.kioskKeys(SITE, "dev:" + SITE + ":" + kiosk.id());
  }

  @Test
  void whatIsToldWithoutRedisDrawsNoTokenAndWhatNeedsTheRegistryIsLimited() {
    Map<String, IntFunction<String>> local = new LinkedHashMap<>();
    local.put("garbage", i -> "not-a-voucher-" + i);
    local.put("forged signature", i -> Voucher.sign("some-other-secret-of-16+chars", "PD7K3M9Q2P",
        LocalDate.parse(TestCity.TODAY), LocalTime.of(10, 0), "A"));
    local.put("another site's code", i -> "XH-7K3M-9Q2P");
    DeviceKit.Device kiosk = DeviceKit.enrol(city, manager, SITE, "kiosk", "Flooded kiosk", "198.51.100.70");
    for (var f : local.entrySet()) {
      Map<String, Integer> outcomes = flood(kiosk, f.getValue());
      System.out.printf("CheckinFloodTest: %d × %s from one kiosk: %s%n", ATTEMPTS, f.getKey(), outcomes);
      assertEquals(1, outcomes.size(), f.getKey() + ": every one refused the same way, none limited: " + outcomes);
      assertTrue(outcomes.keySet().iterator().next().startsWith("422 "), f.getKey() + ": " + outcomes);
    }
    for (String bucket : buckets(kiosk)) {
      assertEquals(0, city.redis(Command.EXISTS, bucket).toInteger(), bucket + ": 3,000 refusals told without Redis drew no token");
    }

    Map<String, IntFunction<String>> registry = new LinkedHashMap<>();
    registry.put("unknown code", i -> String.format("PD-%04d-%04d", i % 10_000, (i * 7) % 10_000).replace('0', 'K'));
    registry.put("signed, nobody booked it", i -> Voucher.sign(SECRET, String.format("PD%08d", i).replace('0', 'K'),
        LocalDate.parse(TestCity.TODAY), LocalTime.of(10, 0), "P"));
    int n = 0;
    for (var f : registry.entrySet()) {
      DeviceKit.Device other = DeviceKit.enrol(city, manager, SITE, "kiosk", "Registry kiosk " + n, "198.51.100.8" + n++);
      Map<String, Integer> outcomes = flood(other, f.getValue());
      System.out.printf("CheckinFloodTest: %d × %s from one kiosk: %s%n", ATTEMPTS, f.getKey(), outcomes);
      int limited = outcomes.getOrDefault("429 RATE_LIMITED", 0);
      assertEquals(0, outcomes.getOrDefault("201", 0), f.getKey() + ": " + outcomes);
      // the burst plus at most one token a second for the time the flood took
      assertTrue(limited >= ATTEMPTS - BURST - 60, f.getKey() + ": only " + limited + " refused with 429: " + outcomes);
      assertEquals(1, city.redis(Command.EXISTS, buckets(other).get(0)).toInteger(), "the kiosk's own bucket was drawn");
    }
  }
}
