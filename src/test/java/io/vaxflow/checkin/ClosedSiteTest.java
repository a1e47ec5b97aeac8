package io.vaxflow.checkin;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC "Contracts added since the first release", opening hours, over HTTP: outside its hours a
 * site refuses check-ins (walk-in or voucher) and today's bookings with 409 SITE_CLOSED, saying
 * when it opens next and its hours; a site open around the clock (00:00–24:00) takes people at
 * 23:59 and at 00:01; bookings for today go to a site still open. The demo sites open 08:00–17:00
 * Shanghai time (UTC+8).
 */
class ClosedSiteTest {

  /** 2026-11-24 22:31 in Shanghai. */
  static final String NIGHT = "2026-11-24T14:31:00Z";
  /** 2026-11-24 23:59 and 2026-11-25 00:01 in Shanghai. */
  static final String BEFORE_MIDNIGHT = "2026-11-24T15:59:00Z";
  static final String AFTER_MIDNIGHT = "2026-11-24T16:01:00Z";
  static final String TOMORROW = "2026-11-25";
  static final Map<String, String> PUDONG_AROUND_THE_CLOCK =
      Map.of("VAXFLOW_SITES_PUDONG_HOURS_OPEN", "00:00", "VAXFLOW_SITES_PUDONG_HOURS_CLOSE", "24:00");

  @Test
  void atNightAWalkInAndAVoucherAreRefusedWithTheNextOpening() {
    try (TestCity city = TestCity.start(Map.of("CLOCK", NIGHT))) {
      Map<String, String> before = city.siteDump("pudong");
      Reply walkIn = city.post("/api/v1/sites/pudong/checkins",
          new JsonObject().put("walkIn", new JsonObject().put("name", "Late Walker").put("idNumber", "310101199001011234").put("dose", 1)));
      assertClosed(walkIn, "2026-11-25T08:00+08:00");
      assertEquals(before, city.siteDump("pudong"), "a refused walk-in changes nothing");

      // a valid voucher (tomorrow's) is refused for the hour before anything about the voucher
      JsonObject booked = book(city, new JsonObject().put("siteId", "xuhui").put("day", TOMORROW), 201);
      Reply voucher = city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", booked.getString("voucher")));
      assertClosed(voucher, "2026-11-25T08:00+08:00");
      // so is garbage: the site is closed whatever is typed
      assertClosed(city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", "hello")), "2026-11-25T08:00+08:00");

      // every view says the sites are closed
      city.get("/api/v1/sites").array().stream().map(JsonObject.class::cast)
          .forEach(s -> assertFalse(s.getBoolean("open"), s.encode()));
      city.get("/api/v1/city").json().getJsonArray("sites").stream().map(JsonObject.class::cast)
          .forEach(s -> assertFalse(s.getBoolean("open"), s.encode()));
    }
  }

  @Test
  void todaysBookingAfterClosingSaysSoAndTomorrowStillBooks() {
    try (TestCity city = TestCity.start(Map.of("CLOCK", NIGHT))) {
      Reply requested = city.booking(booking(new JsonObject().put("siteId", "jingan").put("day", "2026-11-24")));
      assertClosed(requested, "2026-11-25T08:00+08:00");
      assertEquals("jingan", requested.json().getJsonObject("error").getString("siteId"));

      // chosen by the city: every site is closed for the rest of today, so the nearest says when it opens
      Reply chosen = city.booking(booking(new JsonObject().put("community", "Tianlin").put("day", "2026-11-24")));
      assertClosed(chosen, "2026-11-25T08:00+08:00");

      JsonObject tomorrow = book(city, new JsonObject().put("community", "Tianlin").put("day", TOMORROW), 201);
      assertEquals("08:00", tomorrow.getString("slot"), "tomorrow offers its first slot");
    }
  }

  @Test
  void aSiteOpenAroundTheClockTakesPeopleAt2359AndAt0001() {
    Map<String, String> late = new HashMap<>(PUDONG_AROUND_THE_CLOCK);
    late.put("CLOCK", BEFORE_MIDNIGHT);
    try (TestCity city = TestCity.start(late)) {
      JsonObject ticket = city.walkIn("pudong", "Night Owl", "310101199001010098");
      assertEquals("W001", ticket.getString("number"));
      JsonObject pudong = city.get("/api/v1/sites").array().stream().map(JsonObject.class::cast)
          .filter(s -> s.getString("id").equals("pudong")).findFirst().orElseThrow();
      assertTrue(pudong.getBoolean("open"));

      // today's booking from a community goes to the one site still open, whatever is nearer
      JsonObject b = book(city, new JsonObject().put("community", "Tianlin").put("day", "2026-11-24"), 201);
      assertEquals("pudong", b.getString("siteId"), b.encode());
      assertEquals("23:30", b.getString("slot"), "the last slot of the day, which ends at midnight");
      // the nearer site, closed for the night, still says so when asked for
      assertClosed(city.booking(booking(new JsonObject().put("siteId", "xuhui").put("day", "2026-11-24"))),
          "2026-11-25T08:00+08:00");
    }
    Map<String, String> early = new HashMap<>(PUDONG_AROUND_THE_CLOCK);
    early.put("CLOCK", AFTER_MIDNIGHT);
    try (TestCity city = TestCity.start(early)) {
      assertEquals(201, city.post("/api/v1/sites/pudong/checkins", new JsonObject()
          .put("walkIn", new JsonObject().put("name", "Early Bird").put("idNumber", "310101199001010098").put("dose", 1))).status());
      // xuhui keeps its hours: 00:01 is before today's opening, which is the one it names
      assertClosed(city.post("/api/v1/sites/xuhui/checkins", new JsonObject().put("voucher", "hello")), "2026-11-25T08:00+08:00");
      // and a booking there for the new day (2026-11-25) is fine: that day has not closed yet
      JsonObject b = book(city, new JsonObject().put("siteId", "xuhui").put("day", TOMORROW), 201);
      assertEquals("08:00", b.getString("slot"));
    }
  }

  private static void assertClosed(Reply r, String opensAt) {
    assertEquals(409, r.status(), r.body());
    JsonObject e = r.json().getJsonObject("error");
    assertEquals("SITE_CLOSED", e.getString("code"), r.body());
    assertEquals(opensAt, e.getString("opensAt"), r.body());
    assertEquals(new JsonObject().put("open", "08:00").put("close", "17:00"), e.getJsonObject("hours"), r.body());
    assertNotEquals("", e.getString("message"));
  }

  private static JsonObject booking(JsonObject where) {
    return new JsonObject().put("name", "Zhang Wei").put("idNumber", Ids.resident(32, (int) (Math.random() * 89999)))
        .put("phone", "13800138000").put("dose", 1).mergeIn(where);
  }

  private static JsonObject book(TestCity city, JsonObject where, int status) {
    Reply r = city.booking(booking(where));
    assertEquals(status, r.status(), r.body());
    return r.json();
  }
}
