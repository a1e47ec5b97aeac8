package io.vaxflow.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Booking within the doses: a day with 1,000 seats at a site whose lots hold 600 doses usable that day. 2,000 people
 * book at once (200 requests in flight): exactly 600 get an appointment, the other 1,400 {@code 409 NO_CAPACITY} with
 * {@code reason: DOSES}; the site's count of doses booked for the day is 600 and every slot counter together 600 (the
 * slots had room: the doses limited it). Left to the dispatcher, a person near xuhui is then booked at the next site.
 */
class DoseCapTest {

  private static final String DAY = "2026-11-26"; // two days after the test city's today

  @Test
  void aThousandSeatsAndSixHundredDosesGiveExactlySixHundredBookings() {
    Map<String, String> env = BookingSpikeTest.thousandSeatsAtXuhui();
    // its demo lots: 300 vials of 2 doses usable that day; the mRNA lot expires tomorrow, so none of its doses count
    env.put("VAXFLOW_SITES_XUHUI_STOCK_DEMOLOTS_0_VIALS", "300");
    env.put("VAXFLOW_SITES_XUHUI_STOCK_DEMOLOTS_1_EXPIRESINDAYS", "1");
    env.put("VAXFLOW_LIMITS_BOOKINGS_RATE", "2000");
    env.put("VAXFLOW_LIMITS_BOOKINGS_BURST", "2000");
    try (TestCity city = TestCity.start(env)) {
      BookingSpikeTest.Answers answers = BookingSpikeTest.spike(city, DAY, 2000, 200);
      System.out.printf("doses cap: 2000 bookings for 1000 seats and 600 doses: statuses %s, errors %s%n",
          new TreeMap<>(answers.statuses()), answers.errorCodes());

      assertEquals(Map.of(201, 600, 409, 1400), answers.statuses(), "statuses " + answers.errorCodes());
      assertEquals(Map.of("NO_CAPACITY/DOSES", 1400), answers.errorCodes());
      assertEquals(600, answers.codeOf().size());
      assertEquals("600", city.redis(Command.HGET, "vf:{xuhui}:doses:booked", DAY).toString());
      int seats = 0;
      var slots = city.redis(Command.HGETALL, "vf:{xuhui}:slots:" + DAY);
      for (String slot : slots.getKeys()) seats += slots.get(slot).toInteger();
      assertEquals(600, seats, "slot counters " + slots);
      assertEquals(600L, (long) city.keys("vf:{city}:dose:*").size(), "the refused hold no claim");

      // left to the dispatcher, someone near xuhui (no dose left that day) is booked at the next site with doses
      var elsewhere = city.booking(new JsonObject().put("name", "Near Xuhui").put("idNumber", io.vaxflow.support.Ids.resident(34, 1))
          .put("phone", "13700000001").put("dose", 1).put("day", DAY).put("community", "Xujiahui"));
      assertEquals(201, elsewhere.status(), elsewhere.body());
      assertEquals("NEAREST_FULL", elsewhere.json().getString("reasonCode"));
      assertEquals("jingan", elsewhere.json().getString("siteId"), "the next nearest: " + elsewhere.body());
    }
  }
}
