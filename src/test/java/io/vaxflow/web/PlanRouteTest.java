package io.vaxflow.web;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.plan.SitePlans;
import io.vaxflow.store.SiteKeys;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET/POST /api/v1/sites/:site/plan}: the manager gets the plan hour by hour, from today's
 * bookings and walk-ins or an entered curve; desk staff get 403; a bad body is a 400 naming the
 * field. The city runs on a simulated clock (10:00 unless a test moves it).
 */
class PlanRouteTest {

  private static final String PLAN = "/api/v1/sites/pudong/plan";
  /** 10:00 in Shanghai, as TestCity.MORNING. */
  private static final long TEN = Instant.parse(TestCity.MORNING).toEpochMilli();
  private static final long HOUR = 3_600_000;
  private static final SimClock CLOCK = new SimClock(TEN);
  private static TestCity city;
  private static String manager;
  private static String desk;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of()));

  @BeforeAll
  static void start() {
    manager = city.login("manager", "2468");
    desk = city.login("desk", "1234");
    for (int i = 0; i < 3; i++) city.book("pudong", "Plan Patient", Ids.resident(24, i), null);
  }

  @Test
  void theServiceTimesObservedAtTheSiteReplaceTheConfiguredOnes() {
    String desks = SiteKeys.serviceTimes("pudong", "desk");
    try {
      city.redis(Command.DEL, desks);
      for (int i = 0; i < SitePlans.MIN_SAMPLES - 1; i++) city.redis(Command.LPUSH, desks, i % 2 == 0 ? "60000" : "180000");
      JsonObject few = city.get(PLAN, manager).json();
      assertEquals(false, few.getJsonObject("serviceObserved").getBoolean("desk"), "too few durations: " + few.getJsonObject("service"));
      assertEquals(3.0, few.getJsonObject("service").getDouble("deskMin"), 1e-9, "the configured desk time");

      city.redis(Command.LPUSH, desks, "120000"); // five: 1, 3, 1, 3, 2 minutes
      JsonObject seen = city.get(PLAN, manager).json();
      assertEquals(true, seen.getJsonObject("serviceObserved").getBoolean("desk"));
      assertEquals(2.0, seen.getJsonObject("service").getDouble("deskMin"), 1e-9, "the mean of the durations kept");
      assertEquals(Math.sqrt(0.8) / 2.0, seen.getJsonObject("service").getDouble("deskCv"), 0.01, "their variability");
      assertEquals(false, seen.getJsonObject("serviceObserved").getBoolean("booth"), "no booth durations yet");
    } finally {
      city.redis(Command.DEL, desks);
    }
  }

  @Test
  void theManagerGetsTodaysBookingsPlannedHourByHour() {
    Reply r = city.get(PLAN + "?walkInsPerHour=5", manager);
    assertEquals(200, r.status(), r.body());
    JsonObject p = r.json();
    assertEquals("bookings", p.getString("source"));
    assertEquals(30, p.getInteger("targetWaitMin"));
    assertEquals(4, p.getInteger("desks"));
    assertEquals(6, p.getInteger("booths"));
    JsonArray hours = p.getJsonArray("hours");
    assertEquals(9, hours.size(), "08:00 to 17:00");
    assertEquals("08:00", hours.getJsonObject(0).getString("hour"));
    double sum = 0;
    for (int i = 0; i < hours.size(); i++) {
      JsonObject h = hours.getJsonObject(i);
      sum += h.getDouble("arrivals");
      for (String k : List.of("desksNeeded", "boothsNeeded", "waitMin", "deskQueue", "boothQueue", "bottleneck")) assertNotNull(h.getValue(k), k);
      assertNotNull(h.getJsonObject("minusOneDesk"));
      assertNotNull(h.getJsonObject("minusOneBooth"));
    }
    assertEquals(3 + 9 * 5, sum, 1e-9, "three bookings and five walk-ins an hour");
  }

  /**
   * The walk-in site's plan counts its walk-ins (it counted none: 37 planned arrivals against 85
   * check-ins, a 0-minute wait every hour): a morning rush of 90 walk-ins at 08:00, 4 at 09:00 and
   * 2 at 10:00. At 10:30 the hours that have ended have their own walk-ins and the rest of the day
   * today's rate so far; after closing every hour has its own, and the rush hour's wait shows.
   */
  @Test
  void theWalkInsOfTheDayArePlanned() {
    long eight = TEN - 2 * HOUR;
    try {
      walkIns(eight + 5 * 60_000, 90, 0);
      walkIns(eight + HOUR + 20 * 60_000, 4, 90);
      walkIns(TEN + 10 * 60_000, 2, 94);

      CLOCK.set(TEN + 30 * 60_000);
      JsonObject midMorning = city.get(PLAN, manager).json();
      assertEquals("today", midMorning.getJsonObject("walkIns").getString("source"), midMorning.encode());
      double soFar = Math.round(96 / 2.5 * 10) / 10.0;
      assertEquals(soFar, midMorning.getJsonObject("walkIns").getDouble("perHour"), 1e-9, "96 walk-ins in 2.5 hours open");
      assertEquals(List.of(90.0, 4.0, soFar, soFar, soFar, soFar, soFar, soFar, soFar), walkInsByHour(midMorning));

      CLOCK.set(TEN + 7 * HOUR + 30 * 60_000); // 17:30, closed
      JsonObject day = city.get(PLAN, manager).json();
      assertEquals(List.of(90.0, 4.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), walkInsByHour(day), day.encode());
      JsonArray hours = day.getJsonArray("hours");
      double arrivals = 0;
      for (int i = 0; i < hours.size(); i++) arrivals += hours.getJsonObject(i).getDouble("arrivals");
      assertEquals(3 + 96, arrivals, 1e-9, "the day's three bookings and 96 walk-ins");
      JsonObject rush = hours.getJsonObject(0);
      assertEquals(90.0, rush.getDouble("arrivals"), 1e-9, rush.encode());
      assertTrue(rush.getDouble("waitMin") > 1, "90 people an hour at 4 desks of 3 minutes queue: " + rush.encode());

      JsonObject entered = city.get(PLAN + "?walkInsPerHour=0", manager).json();
      assertEquals("entered", entered.getJsonObject("walkIns").getString("source"), "the manager's figure wins");
      assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), walkInsByHour(entered));
      assertEquals(0.0, entered.getJsonArray("hours").getJsonObject(0).getDouble("waitMin"), "without them, as before: no wait at all");
    } finally {
      CLOCK.set(TEN);
    }
  }

  /** {@code n} walk-ins at pudong at {@code at}, numbered from {@code from}. */
  private static void walkIns(long at, int n, int from) {
    CLOCK.set(at);
    for (int i = from; i < from + n; i++) city.walkIn("pudong", FlowKit.name("Planned", i), FlowKit.idNumber(6, i));
  }

  private static List<Double> walkInsByHour(JsonObject plan) {
    return plan.getJsonArray("hours").stream().map(h -> ((JsonObject) h).getDouble("walkIns")).toList();
  }

  @Test
  void anEnteredPeakIsPlannedWithItsBacklog() {
    JsonArray curve = new JsonArray(List.of(50, 95, 110, 70, 40, 55, 65, 50, 30));
    Reply r = city.post(PLAN, manager, new JsonObject().put("arrivals", curve).put("deskCv", 0.5).put("boothCv", 0.5));
    assertEquals(200, r.status(), r.body());
    JsonObject p = r.json();
    assertEquals("entered", p.getString("source"));
    JsonObject ten = p.getJsonArray("hours").getJsonObject(2);
    assertEquals("desk", ten.getString("bottleneck"));
    assertTrue(ten.getInteger("desksNeeded") >= 5, ten.encode());
    assertTrue(ten.getDouble("waitMin") > 15, "the peak's queue: " + ten.encode());
    assertTrue(ten.getJsonObject("minusOneDesk").getDouble("waitMin") > ten.getDouble("waitMin"), ten.encode());
  }

  @Test
  void deskStaffAreRefusedAndBadInputIsNamed() {
    assertEquals(403, city.get(PLAN, desk).status());
    assertEquals(403, city.post(PLAN, desk, new JsonObject().put("arrivals", new JsonArray())).status());
    for (Map.Entry<JsonObject, String> bad : Map.of(
        new JsonObject().put("arrivals", new JsonArray(List.of(1, 2))), "arrivals",
        new JsonObject().put("arrivals", new JsonArray(List.of(1, 2, 3, 4, 5, 6, 7, 8, "x"))), "arrivals",
        new JsonObject().put("arrivals", new JsonArray(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9))).put("desks", 0), "desks",
        new JsonObject().put("arrivals", new JsonArray(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9))).put("surprise", 1), "surprise").entrySet()) {
      Reply r = city.post(PLAN, manager, bad.getKey());
      assertEquals(400, r.status(), bad.getKey().encode() + ": " + r.body());
      assertEquals("INVALID_INPUT", r.errorCode());
      assertTrue(r.body().contains(bad.getValue()), r.body());
    }
    Reply q = city.get(PLAN + "?deskServiceMin=abc", manager);
    assertEquals(400, q.status(), q.body());
  }
}
