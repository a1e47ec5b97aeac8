package io.vaxflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who sees a patient's name at a station: desks, vaccinators and managers in full, the door masked, nobody anonymous. */
class PatientPrivacyTest {

  @Test
  void theNameIsShownOnlyToTheStaffWhoServeThePatient() {
    try (TestCity city = TestCity.start(Map.of())) {
      String number = city.walkIn("pudong", "Wang Xiaoming", "310101199202023338").getString("number");
      String door = city.login("door", "1357");
      String desk = city.login("desk", "1234");
      String manager = city.login("manager", "2468");
      assertEquals(200, city.post("/api/v1/sites/pudong/door/scan", door, new JsonObject().put("number", number)).status());
      assertEquals(200, city.post("/api/v1/sites/pudong/stations/desk-1/next", desk, null).status());

      String path = "/api/v1/sites/pudong/stations/desk-1";
      assertEquals("Wang Xiaoming", patient(city, path, desk).getString("name"));
      assertEquals("Wang Xiaoming", patient(city, path, manager).getString("name"));
      assertEquals("W*** X*******", patient(city, path, door).getString("name"));
      assertEquals(401, city.get(path).status());

      // and never on anonymous routes
      for (String open : new String[] {"/api/v1/sites/pudong/state", "/api/v1/sites/pudong/tickets/" + number,
          "/api/v1/sites/pudong/calls", "/api/v1/sites"}) {
        assertFalse(city.get(open).body().contains("Xiaoming"), open);
      }
    }
  }

  private static JsonObject patient(TestCity city, String path, String cookie) {
    TestCity.Reply r = city.get(path, cookie);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonObject("patient");
  }
}
