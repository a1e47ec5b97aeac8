package io.vaxflow.dispatch;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The city's load balancing: the nearest site while it is idle, a less busy one once its wait outweighs the trip. */
class DispatcherTest {

  @Test
  void aBusyNearestSiteSendsPeopleToAQuickerOne() {
    try (TestCity city = TestCity.start(Map.of())) {
      VaxflowConfig.Community tianlin = city.config.communities().stream()
          .filter(c -> "Tianlin".equals(c.name().get("en"))).findFirst().orElseThrow();
      List<SiteConfig> byDistance = city.config.sites().stream()
          .sorted(Comparator.comparingDouble(s -> Dispatcher.km(tianlin.lat(), tianlin.lon(), s.lat(), s.lon())))
          .toList();
      SiteConfig nearest = byDistance.get(0);
      SiteConfig second = byDistance.get(1);

      // idle city: the nearest site
      JsonObject idle = book(city, "Tianlin", TestCity.TODAY, "310101199001010012");
      assertEquals(nearest.id(), idle.getString("siteId"));
      assertEquals("NEAREST", idle.getString("reasonCode"));

      // fill the nearest site until its predicted wait outweighs the longer trip to the next one
      double extraTrip = Dispatcher.cost(Dispatcher.km(tianlin.lat(), tianlin.lon(), second.lat(), second.lon()), 0)
          - Dispatcher.cost(Dispatcher.km(tianlin.lat(), tianlin.lon(), nearest.lat(), nearest.lon()), 0);
      int people = 0;
      // (an idle site's wait is its own desk service, not 0: the comparison is with the second's)
      while (predictedWait(city, nearest.id()) - predictedWait(city, second.id()) <= extraTrip + 1) {
        JsonObject b = city.book(nearest.id(), "Queue Person", Ids.resident(37, people), null);
        assertEquals(201, city.post("/api/v1/sites/" + nearest.id() + "/checkins",
            new JsonObject().put("voucher", b.getString("voucher"))).status());
        assertTrue(++people < 300, "the nearest site's wait never grew");
      }

      JsonObject busy = book(city, "Tianlin", TestCity.TODAY, "310101199001010020");
      assertNotEquals(nearest.id(), busy.getString("siteId"), busy.encode());
      assertEquals("LESS_WAIT", busy.getString("reasonCode"), busy.encode());
      assertEquals(nearest.id(), busy.getJsonObject("nearest").getString("siteId"));
      assertTrue(busy.getJsonObject("nearest").getInteger("predictedWaitMin") > busy.getInteger("sitePredictedWaitMin"));
      assertTrue(busy.getString("reason").contains("quicker than the nearest"), busy.getString("reason"));

      // the city page says where Tianlin's bookings go now: the same site
      JsonObject cityView = city.get("/api/v1/city").json();
      String shown = cityView.getJsonArray("communities").stream().map(JsonObject.class::cast)
          .filter(c -> c.encode().contains("Tianlin")).findFirst().orElseThrow().getString("siteId");
      assertEquals(busy.getString("siteId"), shown, cityView.encode());

      // a later day has no live wait: the nearest site again
      JsonObject tomorrow = book(city, "Tianlin", "2026-11-25", "310101199001010039");
      assertEquals(nearest.id(), tomorrow.getString("siteId"));
      assertEquals("NEAREST", tomorrow.getString("reasonCode"));
    }
  }

  private static JsonObject book(TestCity city, String community, String day, String idNumber) {
    TestCity.Reply r = city.booking(new JsonObject().put("name", "Zhang Wei").put("idNumber", idNumber)
        .put("phone", "13800138000").put("dose", 1).put("day", day).put("community", community));
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static int predictedWait(TestCity city, String site) {
    return city.get("/api/v1/sites").array().stream().map(JsonObject.class::cast)
        .filter(s -> site.equals(s.getString("id"))).findFirst().orElseThrow()
        .getJsonObject("load").getInteger("predictedWaitMin");
  }
}
