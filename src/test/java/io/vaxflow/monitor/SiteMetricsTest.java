package io.vaxflow.monitor;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The manager's {@code GET /metrics} after a scripted mini-day, checked against what the test did:
 * counts, throughput, wait percentiles, each station's served count and utilisation, the hall
 * alert; and who may read it. Each test works its own site of one shared city, so their order
 * does not matter.
 */
class SiteMetricsTest {

  private static TestCity city;
  private static SiteStaff staff;

    // observation of one second: released patients show up in the figures within the test
  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of("VAXFLOW_FLOW_OBSERVATIONSEC", "1"))).signedIn();

  @Test
  void aMiniDayIsCountedFromItsEvents() {
    String api = "/api/v1/sites/pudong";
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      numbers.add(city.walkIn("pudong", "Metrics Patient " + (char) ('A' + i), Ids.resident(38, i)).getString("number"));
    }
    for (String n : numbers) ok(city.post(api + "/door/scan", staff.door(), new JsonObject().put("number", n)), "scan " + n);

    // desks: desk-1 serves two, desk-2 one, desk-3 takes one and keeps it
    serve(api, staff.desk(), "desk-1");
    serve(api, staff.desk(), "desk-1");
    serve(api, staff.desk(), "desk-2");
    ok(city.post(api + "/stations/desk-3/next", staff.desk(), null), "desk-3 next");
    ok(city.post(api + "/stations/desk-3/start", staff.desk(), null), "desk-3 start");
    // booths: booth-1 vaccinates two, booth-2 one, each from a vial it opens first; observation ends after a second
    city.openVial("pudong", staff.booth(), "booth-1");
    city.openVial("pudong", staff.booth(), "booth-2");
    serve(api, staff.booth(), "booth-1");
    serve(api, staff.booth(), "booth-1");
    serve(api, staff.booth(), "booth-2");
    awaitReleased(api, 3);

    Reply r = city.get(api + "/metrics", staff.manager());
    assertEquals(200, r.status(), r.body());
    JsonObject m = r.json();

    // what GET /state returns is still there
    for (String key : List.of("siteId", "at", "stages", "counts", "capacities", "predictedWaitMin", "queues", "stations", "currentCalls")) {
      assertTrue(m.containsKey(key), "metrics keeps the snapshot's " + key);
    }
    JsonObject counts = m.getJsonObject("counts");
    assertEquals(6, counts.getInteger("issued"));
    assertEquals(2, counts.getInteger("room"), "six in, four called to desks");
    assertEquals(1, counts.getInteger("desk"));
    assertEquals(3, counts.getInteger("released"));
    assertEquals(150, m.getJsonObject("capacities").getInteger("hall"));
    assertEquals(12, m.getJsonObject("capacities").getInteger("room"));
    assertTrue(m.getInteger("predictedWaitMin") >= 0);

    JsonObject totals = m.getJsonObject("totals");
    assertEquals(6, totals.getInteger("checkins"));
    assertEquals(3, totals.getInteger("vaccinated"));
    assertEquals(3, totals.getInteger("released"));
    assertEquals(6, totals.getInteger("doorScans"));
    assertEquals(0, m.getJsonObject("noShows").getInteger("now"));

    // throughput: the site's opening hours, today's check-ins and releases in the hour they happened
    JsonArray hours = m.getJsonArray("throughput");
    assertEquals(8, hours.getJsonObject(0).getInteger("hour"), "from opening time");
    assertEquals(6, sum(hours, "checkins"));
    assertEquals(3, sum(hours, "released"));
    assertEquals(3, sum(hours, "vaccinated"));
    JsonObject ten = find(hours, "hour", 10);
    assertEquals(6, ten.getInteger("checkins"), "the test's clock is 10:00 in Shanghai");
    assertEquals("10:00", ten.getString("label"));

    // waits: one sample per patient called to a desk (4) and to a booth (3); plausible minutes
    JsonObject toDesk = m.getJsonObject("waits").getJsonObject("checkinToDesk");
    JsonObject toBooth = m.getJsonObject("waits").getJsonObject("deskToBooth");
    assertEquals(4, toDesk.getInteger("samples"));
    assertEquals(3, toBooth.getInteger("samples"));
    for (JsonObject p : List.of(toDesk, toBooth)) {
      double p50 = p.getDouble("p50Min"), p90 = p.getDouble("p90Min"), max = p.getDouble("maxMin");
      assertTrue(p50 >= 0 && p50 <= p90 && p90 <= max, "0 <= p50 <= p90 <= max: " + p);
      assertTrue(max < 5, "the mini-day took seconds, not minutes: " + p);
    }

    // stations: served counts as the test made them, states now, utilisation in [0, 1]
    JsonObject desk1 = station(m, "desk-1"), desk2 = station(m, "desk-2"), desk3 = station(m, "desk-3");
    JsonObject booth1 = station(m, "booth-1"), booth2 = station(m, "booth-2"), booth3 = station(m, "booth-3");
    assertEquals(2, desk1.getInteger("served"));
    assertEquals(1, desk2.getInteger("served"));
    assertEquals(0, desk3.getInteger("served"));
    assertEquals(2, booth1.getInteger("served"));
    assertEquals(1, booth2.getInteger("served"));
    assertEquals(0, booth3.getInteger("served"));
    assertEquals(6, station(m, "door-1").getInteger("served"), "the one door let six in");
    assertEquals("serving", desk3.getString("state"));
    assertNotNull(desk3.getString("ticket"));
    assertEquals("idle", desk1.getString("state"));
    assertEquals("desk", desk3.getString("staffId"));
    for (Object o : m.getJsonArray("stations")) {
      JsonObject s = (JsonObject) o;
      double u = s.getDouble("utilisation");
      assertTrue(u >= 0 && u <= 1, s.encode());
      assertTrue(s.getDouble("busyMin") <= s.getDouble("openMin"), s.encode());
      assertTrue(s.getDouble("openMin") >= 119, "open since 08:00, two hours before the test's clock: " + s.encode());
      assertEquals(0.0, s.getDouble("pausedMin"), s.encode());
    }
    assertEquals(11, m.getJsonArray("stations").size(), "pudong: one door, four desks, six booths");
    // the figures are all today's, and no more were read than there are
    assertEquals(TestCity.TODAY, m.getString("day"));
    assertFalse(m.getBoolean("truncated"));
    assertTrue(m.getInteger("eventsRead") > 0);

    // the gateway's and the registry's state
    assertEquals("CLOSED", m.getJsonObject("registry").getString("breaker"));
    assertEquals(0L, m.getJsonObject("registry").getLong("failures"));
    JsonObject site = m.getJsonObject("rateLimits").getJsonObject("site");
    assertTrue(site.getDouble("tokens") <= site.getInteger("burst"));
    assertTrue(m.getJsonArray("displays").isEmpty(), "no hall display in this test");
    // calls were made and no display acknowledged them: a note, nothing worse
    JsonArray alerts = m.getJsonArray("alerts");
    assertTrue(codes(alerts).contains("NO_DISPLAY"), alerts.encode());
    assertFalse(codes(alerts).contains("HALL_NEARLY_FULL"), alerts.encode());
  }

  @Test
  void aHallOverNinetyPercentFullRaisesAnAlert() {
    String api = "/api/v1/sites/xuhui";
    Reply set = city.send(HttpMethod.PUT, api + "/settings", staff.manager(), Map.of(),
        new JsonObject().put("hallCapacity", 2).put("roomCapacity", 1).toBuffer());
    assertEquals(200, set.status(), set.body());
    assertFalse(codes(city.get(api + "/metrics", staff.manager()).json().getJsonArray("alerts")).contains("HALL_NEARLY_FULL"),
        "an empty hall raises nothing");

    // one called to the room (still in the hall until the door), one waiting: 2 of 2 seats; the third waits outside
    for (int i = 0; i < 3; i++) {
      JsonObject booking = city.book("xuhui", "Hall Patient " + (char) ('A' + i), Ids.resident(39, i), null);
      Reply in = city.post(api + "/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
      assertEquals(201, in.status(), in.body());
    }
    JsonObject m = city.get(api + "/metrics", staff.manager()).json();
    assertEquals(2, m.getJsonObject("counts").getInteger("hall"));
    assertEquals(1, m.getJsonObject("counts").getInteger("outside"));
    JsonObject full = alert(m.getJsonArray("alerts"), "HALL_NEARLY_FULL");
    assertEquals("warning", full.getString("level"));
    assertEquals(2, full.getInteger("value"));
    assertEquals(2, full.getInteger("limit"));
    assertTrue(full.getString("message").contains("hall"), full.encode());
    assertEquals(1, alert(m.getJsonArray("alerts"), "PEOPLE_OUTSIDE").getInteger("value"));
    // the most severe first
    assertEquals("warning", m.getJsonArray("alerts").getJsonObject(0).getString("level"));
  }

  @Test
  void aManagerPausesAndResumesStationsThroughTheStationRoutes() {
    String api = "/api/v1/sites/jingan";
    ok(city.post(api + "/stations/booth-2/pause", staff.manager(), null), "manager pauses booth-2");
    JsonObject paused = station(city.get(api + "/metrics", staff.manager()).json(), "booth-2");
    assertEquals("paused", paused.getString("state"));
    ok(city.post(api + "/stations/booth-2/resume", staff.manager(), null), "manager resumes booth-2");
    JsonObject open = station(city.get(api + "/metrics", staff.manager()).json(), "booth-2");
    assertEquals("idle", open.getString("state"));
    assertTrue(open.getDouble("pausedMin") >= 0 && open.getDouble("pausedMin") < 1, open.encode());
  }

  @Test
  void onlyAManagerOfTheSiteReadsItsMetrics() {
    String path = "/api/v1/sites/pudong/metrics";
    assertEquals(401, city.get(path).status());
    for (String cookie : List.of(staff.desk(), staff.booth(), staff.door())) {
      Reply r = city.get(path, cookie);
      assertEquals(403, r.status(), r.body());
      assertEquals("FORBIDDEN", r.errorCode());
    }
    assertEquals(200, city.get(path, staff.manager()).status());
    assertEquals(404, city.get("/api/v1/sites/nowhere/metrics", staff.manager()).status());
  }

  @Test
  void theCityOverviewIsPublic() {
    Reply r = city.get("/api/v1/city");
    assertEquals(200, r.status(), r.body());
    JsonObject c = r.json();
    assertEquals(TestCity.TODAY, c.getString("today"));
    JsonArray sites = c.getJsonArray("sites");
    assertEquals(3, sites.size());
    for (Object o : sites) {
      JsonObject s = (JsonObject) o;
      assertEquals(7, s.getJsonArray("bookings").size(), "today and six days after");
      assertTrue(s.getInteger("dailyCapacity") > 0);
      assertTrue(s.getBoolean("open"), "10:00 is within opening hours");
      assertFalse(s.getJsonObject("counts").containsKey("name"), "no personal data");
    }
    JsonArray communities = c.getJsonArray("communities");
    assertEquals(8, communities.size());
    JsonObject tianlin = communities.stream().map(JsonObject.class::cast)
        .filter(x -> "Tianlin".equals(x.getJsonObject("name").getString("en"))).findFirst().orElseThrow();
    assertEquals("xuhui", tianlin.getString("siteId"), "Tianlin's nearest site");
    assertEquals("nearest", tianlin.getString("reason"));
    assertTrue(tianlin.getDouble("distanceKm") > 0 && tianlin.getDouble("distanceKm") < 5);
  }

  // ---- helpers ----

  private static void serve(String api, String cookie, String station) {
    for (String action : List.of("next", "start", "done")) ok(city.post(api + "/stations/" + station + "/" + action, cookie, null), station + " " + action);
  }

  private static void ok(Reply r, String what) {
    if (r.status() != 200) fail(what + ": " + r.status() + " " + r.body());
  }

  private static void awaitReleased(String api, int n) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      if (city.get(api + "/state").json().getJsonObject("counts").getInteger("released") >= n) return;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    fail("observation did not end within 15 s");
  }

  private static int sum(JsonArray rows, String key) {
    return rows.stream().map(JsonObject.class::cast).mapToInt(o -> o.getInteger(key)).sum();
  }

  private static JsonObject find(JsonArray rows, String key, int value) {
    return rows.stream().map(JsonObject.class::cast).filter(o -> o.getInteger(key) == value).findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " " + value + " in " + rows.encode()));
  }

  private static JsonObject station(JsonObject metrics, String id) {
    return metrics.getJsonArray("stations").stream().map(JsonObject.class::cast)
        .filter(s -> id.equals(s.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no station " + id));
  }

  private static List<String> codes(JsonArray alerts) {
    return alerts.stream().map(JsonObject.class::cast).map(a -> a.getString("code")).toList();
  }

  private static JsonObject alert(JsonArray alerts, String code) {
    return alerts.stream().map(JsonObject.class::cast).filter(a -> code.equals(a.getString("code"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + code + " alert in " + alerts.encode()));
  }
}
