package io.vaxflow.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaxflow.support.TestCity;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void walkInGetsATicketInTheHall() {
    try (TestCity city = TestCity.start()) {
      var t = city.walkIn("pudong", "Wang Fang", "310101199001011234");
      assertEquals("W001", t.getString("number"));
      assertEquals(200, city.get("/health").status());
    }
  }
}
