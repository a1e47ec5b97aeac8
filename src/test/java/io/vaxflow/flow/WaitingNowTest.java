package io.vaxflow.flow;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "Waiting now" counts each person once: a ticket called to the vaccine room is still in the hall
 * until the door scans it, so it is not counted again in the room.
 */
class WaitingNowTest {

  @Test
  void eightWalkInsAreEightPeopleWaiting() {
    try (TestCity city = TestCity.start(Map.of())) {
      for (int i = 0; i < 8; i++) city.walkIn("pudong", "Walker " + (char) ('A' + i), Ids.resident(11, 1000 + i));
      JsonObject state = city.get("/api/v1/sites/pudong/state").json();
      JsonObject counts = state.getJsonObject("counts");
      // pudong's room has 12 seats: all 8 are called to it at once, and wait in the hall meanwhile
      assertEquals(List.of(8, 8, 0), List.of(counts.getInteger("hall"), counts.getInteger("calledToRoom"), counts.getInteger("room")),
          counts.encode());

      assertEquals(8, state.getInteger("waiting"), state.encode());
      int perStage = state.getJsonArray("stages").stream().map(JsonObject.class::cast)
          .filter(s -> List.of("outside", "hall", "room", "desk", "vaccination").contains(s.getString("stage")))
          .mapToInt(s -> s.getInteger("count")).sum();
      assertEquals(8, perStage, "the stages count each person once: " + state.getJsonArray("stages").encode());
      JsonObject room = state.getJsonArray("stages").stream().map(JsonObject.class::cast)
          .filter(s -> s.getString("stage").equals("room")).findFirst().orElseThrow();
      assertEquals(8, room.getInteger("calledIn"), "the room's seats held by people on their way");

      JsonObject pudong = city.get("/api/v1/sites").array().stream().map(JsonObject.class::cast)
          .filter(s -> s.getString("id").equals("pudong")).findFirst().orElseThrow();
      assertEquals(8, pudong.getJsonObject("load").getInteger("waiting"), pudong.encode());
      JsonObject overview = city.get("/api/v1/city").json().getJsonArray("sites").stream().map(JsonObject.class::cast)
          .filter(s -> s.getString("id").equals("pudong")).findFirst().orElseThrow();
      assertEquals(8, overview.getJsonObject("load").getInteger("waiting"), overview.encode());
    }
  }
}
