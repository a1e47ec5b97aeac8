package io.vaxflow.checkin;

import io.vaxflow.appointment.Voucher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Every check-in attempt draws on the kiosk's rate limit, not only the ones that make a ticket:
 * 1,000 garbage vouchers, unknown codes (each a registry lookup) or forged signed vouchers from
 * one address get 429 with Retry-After once the address's burst is spent (another address keeps
 * its own bucket: RateLimitTest).
 */
class CheckinFloodTest {

  private static final String SECRET = "vaxflow-demo-voucher-secret-change-me";
  private static final int ATTEMPTS = 1_000;
  private static final int BURST = 20;

  @Test
  void invalidAndForgedVouchersDrawOnTheLimiter() {
    Map<String, IntFunction<String>> floods = new LinkedHashMap<>();
    floods.put("garbage", i -> "not-a-voucher-" + i);
    floods.put("unknown code", i -> String.format("PD-%04d-%04d", i % 10_000, (i * 7) % 10_000).replace('0', 'K'));
    floods.put("forged signature", i -> Voucher.sign("some-other-secret-of-16+chars", "PD7K3M9Q2P",
        LocalDate.parse(TestCity.TODAY), LocalTime.of(10, 0), "A"));
    floods.put("signed, nobody booked it", i -> Voucher.sign(SECRET, String.format("PD%08d", i).replace('0', 'K'),
        LocalDate.parse(TestCity.TODAY), LocalTime.of(10, 0), "P"));
    floods.put("wrong site", i -> "XH-7K3M-9Q2P");
    for (var flood : floods.entrySet()) {
      try (TestCity city = TestCity.start(Map.of(
          "VAXFLOW_LIMITS_KIOSK_RATE", "1", "VAXFLOW_LIMITS_KIOSK_BURST", String.valueOf(BURST)))) {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < ATTEMPTS; i++) {
          Reply r = city.post("/api/v1/sites/pudong/checkins", new JsonObject().put("voucher", flood.getValue().apply(i)));
          String code = r.status() == 201 ? "201" : r.status() + " " + r.errorCode();
          outcomes.merge(code, 1, Integer::sum);
          if (r.status() == 429) assertNotNull(r.headers().get("Retry-After"), "429 without Retry-After: " + r.body());
        }
        System.out.printf("CheckinFloodTest: %d × %s from one address: %s%n", ATTEMPTS, flood.getKey(), outcomes);
        int limited = outcomes.getOrDefault("429 RATE_LIMITED", 0);
        assertEquals(0, outcomes.getOrDefault("201", 0), flood.getKey() + ": " + outcomes);
        // the burst plus at most one token a second for the time the flood took
        assertTrue(limited >= ATTEMPTS - BURST - 60, flood.getKey() + ": only " + limited + " refused with 429: " + outcomes);

      }
    }
  }
}
