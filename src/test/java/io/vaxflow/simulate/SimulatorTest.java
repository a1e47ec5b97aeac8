package io.vaxflow.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With SIMULATE on, a fresh city comes alive by itself: people check in and simulated desks serve
 * them; nobody arrives at a site while it is closed. Arrivals and service times are in the server's
 * time, which runs at CLOCK_RATE (what --simulate is for: a site's hour in a few real minutes); at
 * CLOCK_RATE 20 a simulated hour takes three real minutes. Both cities start before either test:
 * their days run side by side while the tests watch them.
 */
class SimulatorTest {

  private static TestCity day;
  private static TestCity night;
  /** When the night city started (System.nanoTime): its test watches it for at least 20 s from then. */
  private static long nightStarted;

  @BeforeAll
  static void start() {
    day = TestCity.start(Map.of("SIMULATE", "true", "CLOCK_RATE", "20"));
    // 07:00 in Shanghai; pudong open around the clock for this test
    nightStarted = System.nanoTime();
    night = TestCity.start(Map.of("SIMULATE", "true", "CLOCK", "2026-11-23T23:00:00Z", "CLOCK_RATE", "20",
        "VAXFLOW_SITES_PUDONG_HOURS_OPEN", "00:00", "VAXFLOW_SITES_PUDONG_HOURS_CLOSE", "24:00"));
  }

  @AfterAll
  static void stop() {
    if (night != null) night.close();
    if (day != null) day.close();
  }

  @Test
  void aSimulatedDayMovesPeopleThroughTheSite() throws Exception {
    long end = System.currentTimeMillis() + 60_000;
    JsonObject counts = new JsonObject();
    boolean served = false;
    while (System.currentTimeMillis() < end && !served) {
      Thread.sleep(500);
      JsonObject state = day.get("/api/v1/sites/pudong/state").json();
      counts = state.getJsonObject("counts");
      served = state.getJsonArray("stations").stream().map(JsonObject.class::cast)
          .anyMatch(s -> s.getString("id").startsWith("desk-") && !"idle".equals(s.getString("state")));
    }
    assertTrue(served, "a simulated desk took a patient; counts " + counts);
    assertTrue(counts.getInteger("issued") >= 1);
    int sum = 0;
    for (String k : new String[] {"outside", "hall", "room", "desk", "vaccination", "booth", "observation", "released", "noShow"}) {
      sum += counts.getInteger(k);
    }
    assertEquals(counts.getInteger("issued"), sum, "counts add up");
    // desk-1 is left for a person with a tablet
    JsonObject desk1 = day.get("/api/v1/sites/pudong/state").json().getJsonArray("stations").stream()
        .map(JsonObject.class::cast).filter(s -> s.getString("id").equals("desk-1")).findFirst().orElseThrow();
    assertEquals("idle", desk1.getString("state"));
  }

  /**
   * 07:00 in Shanghai at CLOCK_RATE 20, so at most half an hour passes before the demo sites open
   * at 08:00 (a voucher for the 08:00 slot could check in from 07:00, so arrivals would show at a
   * closed site that books): only pudong, open around the clock for this test, gets people; xuhui
   * and jingan stay empty, without even a booking for today.
   */
  @Test
  void nobodyArrivesAtAClosedSite() throws Exception {
    int pudong = 0;
    // pudong gets about 20 people an hour off-peak, one every 9 real seconds at rate 20: wait for
    // a few, and at least 20 s in all from the city's start
    while (secondsSince(nightStarted) < 80 && (pudong < 3 || secondsSince(nightStarted) < 20)) {
      Thread.sleep(1000);
      pudong = issued(night, "pudong");
    }
    assertTrue(pudong >= 3, "the simulator works at the open site: " + pudong + " people");
    JsonObject overview = night.get("/api/v1/city").json();
    for (String closed : new String[] {"xuhui", "jingan"}) {
      assertEquals(0, issued(night, closed), closed + " is closed: nobody checked in");
      JsonObject site = overview.getJsonArray("sites").stream().map(JsonObject.class::cast)
          .filter(s -> s.getString("id").equals(closed)).findFirst().orElseThrow();
      assertFalse(site.getBoolean("open"));
      assertEquals(0, site.getJsonArray("bookings").getJsonObject(0).getInteger("booked"), closed + ": no booking for today");
    }
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static int issued(TestCity city, String site) {
    return city.get("/api/v1/sites/" + site + "/state").json().getJsonObject("counts").getInteger("issued");
  }
}
