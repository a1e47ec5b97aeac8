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
      var health = city.get("/health");
      assertEquals(200, health.status());
      assertEquals("DEMO", health.json().getJsonObject("checks").getJsonObject("voucherSigning").getString("status"),
          "the demo config signs vouchers with the public demo secret, and /health says so: " + health.body());
      var metrics = city.get("/metrics");
      assertEquals(200, metrics.status());
      org.junit.jupiter.api.Assertions.assertTrue(java.util.regex.Pattern.compile("vaxflow_checkins_total\\{outcome=\"created\",site=\"pudong\"} [1-9]").matcher(metrics.body()).find(), metrics.body());
      org.junit.jupiter.api.Assertions.assertTrue(metrics.body().contains("vaxflow_breaker_state{breaker=\"registry\"} 0.0"));
      org.junit.jupiter.api.Assertions.assertTrue(java.util.regex.Pattern.compile("\nprocess_resident_memory_bytes [1-9]").matcher(metrics.body()).find(),
          "the process' resident memory, as the Grafana dashboard asks for it");
    }
  }
}
