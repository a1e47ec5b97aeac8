package io.vaxflow.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With SIMULATE on, a fresh city comes alive by itself: people check in and simulated desks serve them. */
class SimulatorTest {

  @Test
  void aSimulatedDayMovesPeopleThroughTheSite() throws Exception {
    try (TestCity city = TestCity.start(Map.of("SIMULATE", "true"))) {
      long end = System.currentTimeMillis() + 60_000;
      JsonObject counts = new JsonObject();
      boolean served = false;
      while (System.currentTimeMillis() < end && !served) {
        Thread.sleep(500);
        JsonObject state = city.get("/api/v1/sites/pudong/state").json();
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
      JsonObject desk1 = city.get("/api/v1/sites/pudong/state").json().getJsonArray("stations").stream()
          .map(JsonObject.class::cast).filter(s -> s.getString("id").equals("desk-1")).findFirst().orElseThrow();
      assertEquals("idle", desk1.getString("state"));
    }
  }
}
