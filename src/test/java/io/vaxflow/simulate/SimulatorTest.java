package io.vaxflow.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With SIMULATE on, a fresh city comes alive by itself: people check in and simulated desks serve
 * them; nobody arrives at a site while it is closed. Arrivals and service times are in the server's
 * time, which runs at CLOCK_RATE (what --simulate is for: a site's hour in a few real minutes; the
 * simulator's arrivals and service times are timed by it).
 */
class SimulatorTest {

  private static TestCity day;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of("SIMULATE", "true", "CLOCK_RATE", "20")));

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
   * 07:00 in Shanghai, so the demo sites open only after an hour of the server's time (a voucher
   * for the 08:00 slot could check in from 07:00, so arrivals would show at a closed site that
   * books): only pudong, open around the clock for this test, gets people; xuhui and jingan stay
   * empty, without even a booking for today. Watched for at least 400 s of the server's time and
   * until pudong has 3 people (about 20 an hour come off-peak), never past 07:50.
   */
  @Test
  void nobodyArrivesAtAClosedSite() throws Exception {
    // 07:00 in Shanghai, a minute a second; pudong open around the clock for this test
    Instant seven = Instant.parse("2026-11-23T23:00:00Z");
    try (TestCity night = TestCity.start(Map.of("SIMULATE", "true", "CLOCK", seven.toString(), "CLOCK_RATE", "60",
        "VAXFLOW_SITES_PUDONG_HOURS_OPEN", "00:00", "VAXFLOW_SITES_PUDONG_HOURS_CLOSE", "24:00"))) {
      int pudong = 0;
      Duration watched = Duration.ZERO;
      while (watched.toMinutes() < 50 && (pudong < 3 || watched.toSeconds() < 400)) {
        Thread.sleep(200);
        pudong = issued(night, "pudong");
        watched = Duration.between(seven, night.server.flows().get("pudong").now());
      }
      assertTrue(pudong >= 3, "the simulator works at the open site: " + pudong + " people in " + watched);
      JsonObject overview = night.get("/api/v1/city").json();
      for (String closed : new String[] {"xuhui", "jingan"}) {
        assertEquals(0, issued(night, closed), closed + " is closed: nobody checked in");
        JsonObject site = overview.getJsonArray("sites").stream().map(JsonObject.class::cast)
            .filter(s -> s.getString("id").equals(closed)).findFirst().orElseThrow();
        assertFalse(site.getBoolean("open"));
        assertEquals(0, site.getJsonArray("bookings").getJsonObject(0).getInteger("booked"), closed + ": no booking for today");
      }
    }
  }

  private static int issued(TestCity city, String site) {
    return city.get("/api/v1/sites/" + site + "/state").json().getJsonObject("counts").getInteger("issued");
  }
}
