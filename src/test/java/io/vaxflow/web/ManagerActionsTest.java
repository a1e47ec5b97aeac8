package io.vaxflow.web;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9, "advice, not only alarms": what a manager does from the dashboard, over HTTP. Walk-ins
 * stopped for a while (a walk-in is refused with WALK_INS_STOPPED, an appointment still checks in),
 * the site closed early (every new check-in refused as SITE_CLOSED, the people inside carry on),
 * a no-show reinstated by the manager; each route 200 for the manager, 403 for desk staff, 400 for
 * bad input. And the alerts carry their advice (in both languages) and a machine-readable action
 * that clears them when done. The site's target wait is one minute here, so a short queue is over it.
 */
class ManagerActionsTest {

  private static final String API = "/api/v1/sites/pudong";
  private static TestCity city;
  private static SiteStaff staff;
  private static int people;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.start(Map.of("VAXFLOW_SITES_PUDONG_TARGETWAITMIN", "1"))).signedIn();

  /** Each test leaves the site as it found it: open, taking walk-ins, every station open. */
  @AfterEach
  void reopen() {
    assertEquals(200, city.post(API + "/close-early", staff.manager(), new JsonObject().put("closed", false)).status());
    assertEquals(200, city.post(API + "/walk-ins", staff.manager(), new JsonObject().put("allow", true)).status());
    for (String s : List.of("desk-1", "desk-2", "desk-3", "desk-4")) {
      city.post(API + "/stations/" + s + "/return", staff.manager(), null); // whoever a test left at the desk goes back to the queue
      city.post(API + "/stations/" + s + "/resume", staff.manager(), null);
    }
  }

  @Test
  void stoppedWalkInsAreRefusedWhileAppointmentsStillCheckIn() {
    Reply stop = city.post(API + "/walk-ins", staff.manager(), new JsonObject().put("allow", false).put("minutes", 30));
    assertEquals(200, stop.status(), stop.body());
    // 10:00 in Shanghai plus 30 minutes
    assertTrue(stop.json().getString("walkInsStoppedUntil").startsWith("2026-11-24T10:30"), stop.body());
    assertFalse(stop.json().getBoolean("closedToday"));

    Reply walkIn = walkIn();
    assertEquals(409, walkIn.status(), walkIn.body());
    assertEquals("WALK_INS_STOPPED", walkIn.errorCode());
    JsonObject error = walkIn.json().getJsonObject("error");
    assertTrue(error.getString("message").contains("10:30"), error.encode());
    assertTrue(error.getString("until").startsWith("2026-11-24T10:30"), error.encode());
    assertFalse(ErrorCode.WALK_INS_STOPPED.message("zh").isBlank());

    JsonObject booked = city.book("pudong", "Qian Hui", "310101199201010017", null);
    Reply appointment = city.post(API + "/checkins", new JsonObject().put("voucher", booked.getString("voucher")));
    assertEquals(201, appointment.status(), "an appointment still checks in: " + appointment.body());

    JsonObject mode = city.get(API + "/metrics", staff.manager()).json().getJsonObject("siteMode");
    assertTrue(mode.getString("walkInsStoppedUntil").startsWith("2026-11-24T10:30"), mode.encode());

    assertNull(switched("/walk-ins", new JsonObject().put("allow", true)).getString("walkInsStoppedUntil"));
    assertEquals(201, walkIn().status(), "walk-ins taken again");
  }

  /** pudong as a list of sites shows it ({@code /api/v1/sites} is an array, {@code /api/v1/city} has {@code sites}). */
  private static JsonObject listed(String path) {
    Reply r = city.get(path);
    assertEquals(200, r.status(), r.body());
    io.vertx.core.json.JsonArray sites = r.body().startsWith("[") ? new io.vertx.core.json.JsonArray(r.body())
        : r.json().getJsonArray("sites");
    return sites.stream().map(JsonObject.class::cast).filter(x -> "pudong".equals(x.getString("id"))).findFirst().orElseThrow();
  }

  @Test
  void closedEarlyRefusesEveryNewCheckInAndThePeopleInsideCarryOn() {
    String inside = walkInNumber();
    JsonObject booked = city.book("pudong", "Sun Li", "310101199201010025", null); // booked before the site closed
    Reply close = city.post(API + "/close-early", staff.manager(), new JsonObject().put("closed", true));
    assertEquals(200, close.status(), close.body());
    assertTrue(close.json().getBoolean("closedToday"));

    Reply walkIn = walkIn();
    assertEquals(409, walkIn.status(), walkIn.body());
    assertEquals("SITE_CLOSED", walkIn.errorCode());
    JsonObject error = walkIn.json().getJsonObject("error");
    assertTrue(error.getBoolean("closedEarly"), error.encode());
    assertEquals("2026-11-25T08:00+08:00", error.getString("opensAt"), "open again tomorrow: " + error.encode());
    Reply appointment = city.post(API + "/checkins", new JsonObject().put("voucher", booked.getString("voucher")));
    assertEquals(409, appointment.status(), appointment.body());
    assertEquals("SITE_CLOSED", appointment.errorCode());
    // nobody is booked onto the rest of today
    Reply today = city.booking(new JsonObject().put("name", "Zhao Lei").put("idNumber", "310101199201010033")
        .put("phone", "13800138000").put("dose", 1).put("day", TestCity.TODAY).put("siteId", "pudong"));
    assertEquals(409, today.status(), today.body());
    assertEquals("NO_CAPACITY", today.errorCode());

    // the site list, the city and the site's state (the kiosk's page) say it is closed, and opens tomorrow
    assertFalse(listed("/api/v1/sites").getBoolean("open"), "the site list");
    assertFalse(listed("/api/v1/city").getBoolean("open"), "the city overview");
    JsonObject state = city.get(API + "/state").json();
    assertFalse(state.getBoolean("open"), state.encode());
    assertTrue(state.getBoolean("closedEarly"), state.encode());
    assertEquals("2026-11-25T08:00+08:00", state.getString("opensAt"), state.encode());

    // the people inside carry on: scanned into the room, called to a desk
    assertEquals(200, city.post(API + "/door/scan", staff.door(), new JsonObject().put("number", inside)).status());
    Reply next = city.post(API + "/stations/desk-1/next", staff.desk(), null);
    assertEquals(200, next.status(), next.body());
    assertNotNull(next.json().getJsonObject("ticket"), next.body());

    assertFalse(switched("/close-early", new JsonObject().put("closed", false)).getBoolean("closedToday"));
    assertTrue(listed("/api/v1/sites").getBoolean("open"), "reopened in the site list");
    assertTrue(city.get(API + "/state").json().getBoolean("open"), "reopened in the state");
    assertEquals(201, walkIn().status(), "reopened");
  }

  /** A switch the manager turns (200): the site's mode after it. */
  private static JsonObject switched(String path, JsonObject body) {
    Reply r = city.post(API + path, staff.manager(), body);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  @Test
  void onlyTheManagerSwitchesAndBadInputIsNamed() {
    for (String path : List.of("/walk-ins", "/close-early")) {
      JsonObject body = path.equals("/walk-ins") ? new JsonObject().put("allow", true) : new JsonObject().put("closed", false);
      Reply asDesk = city.post(API + path, staff.desk(), body);
      assertEquals(403, asDesk.status(), path + " as desk staff: " + asDesk.body());
      assertEquals("FORBIDDEN", asDesk.errorCode());
      assertEquals(401, city.post(API + path, null, body).status(), path + " without a session");
    }
    Map<JsonObject, String> walkIns = Map.of(
        new JsonObject(), "allow",
        new JsonObject().put("allow", "no"), "allow",
        new JsonObject().put("allow", false).put("minutes", 0), "minutes",
        new JsonObject().put("allow", false).put("minutes", 1441), "minutes",
        new JsonObject().put("allow", false).put("minutes", "60"), "minutes",
        new JsonObject().put("allow", true).put("minutes", 60), "minutes",
        new JsonObject().put("allow", false).put("until", "17:00"), "until");
    walkIns.forEach((body, field) -> badInput("/walk-ins", body, field));
    badInput("/close-early", new JsonObject(), "closed");
    badInput("/close-early", new JsonObject().put("closed", 1), "closed");
    badInput("/close-early", new JsonObject().put("closed", true).put("day", "2026-11-24"), "day");
    Reply noBody = city.post(API + "/close-early", staff.manager(), null);
    assertEquals(400, noBody.status(), noBody.body());
    assertEquals(201, walkIn().status(), "nothing was switched by the refused requests");
  }

  @Test
  void theManagerReinstatesANoShowFromTheDashboard() {
    String number = walkInNumber();
    assertEquals(200, city.post(API + "/door/scan", staff.door(), new JsonObject().put("number", number)).status());
    Reply next = city.post(API + "/stations/desk-2/next", staff.desk(), null);
    assertEquals(number, next.json().getJsonObject("ticket").getString("number"), next.body());
    assertEquals(200, city.post(API + "/stations/desk-2/no-show", staff.desk(), null).status());
    Reply r = city.post(API + "/tickets/" + number + "/reinstate", staff.manager(), new JsonObject());
    assertEquals(200, r.status(), r.body());
    assertEquals("waiting", r.json().getJsonObject("ticket").getString("state"));
  }

  @Test
  void aDeskPausedWhileItsQueueWaitsAdvisesResumingItAndResumingClearsIt() {
    // desks 2-4 busy, desk-1 paused: the people scanned into the room wait for a desk
    assertEquals(200, city.post(API + "/stations/desk-1/pause", staff.manager(), null).status());
    for (int i = 0; i < 6; i++) {
      String n = walkInNumber();
      assertEquals(200, city.post(API + "/door/scan", staff.door(), new JsonObject().put("number", n)).status(), "scan " + n);
    }
    for (String d : List.of("desk-2", "desk-3", "desk-4")) assertEquals(200, city.post(API + "/stations/" + d + "/next", staff.desk(), null).status());

    JsonObject alert = alert("STATION_PAUSED_QUEUE_WAITING").orElseThrow(() -> new AssertionError("no advice: " + alerts()));
    assertEquals("desk-1", alert.getString("subject"));
    assertEquals(new JsonObject().put("station", "desk-1").put("action", "resume"), alert.getJsonObject("action"));
    assertEquals("Resume Desk 1.", alert.getJsonObject("advice").getString("en"));
    assertEquals("请恢复 登记台 1。", alert.getJsonObject("advice").getString("zh"));
    // the wait is over the site's target of one minute: stop walk-ins for an hour
    JsonObject wait = alert("WAIT_OVER_TARGET").orElseThrow(() -> new AssertionError("no wait advice: " + alerts()));
    assertEquals(1, wait.getLong("limit"));
    assertEquals(new JsonObject().put("minutes", 60).put("action", "stopWalkIns"), wait.getJsonObject("action"));
    assertNotNull(wait.getJsonObject("advice").getString("zh"));

    // doing what the action says clears the alert
    assertEquals(200, city.post(API + "/stations/desk-1/resume", staff.manager(), null).status());
    assertTrue(alert("STATION_PAUSED_QUEUE_WAITING").isEmpty(), alerts().encode());
  }

  private static Optional<JsonObject> alert(String code) {
    return alerts().stream().map(JsonObject.class::cast).filter(a -> code.equals(a.getString("code"))).findFirst();
  }

  private static io.vertx.core.json.JsonArray alerts() {
    Reply r = city.get(API + "/metrics", staff.manager());
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("alerts");
  }

  private static void badInput(String path, JsonObject body, String field) {
    Reply r = city.post(API + path, staff.manager(), body);
    assertEquals(400, r.status(), path + " " + body.encode() + ": " + r.body());
    assertEquals("INVALID_INPUT", r.errorCode());
    assertEquals(field, r.json().getJsonObject("error").getString("field"), path + " " + body.encode());
  }

  private static Reply walkIn() {
    people++;
    return city.post(API + "/checkins", new JsonObject().put("walkIn", new JsonObject()
        .put("name", "Walker " + (char) ('A' + people % 26)).put("idNumber", Ids.resident(27, people)).put("dose", 1)));
  }

  private static String walkInNumber() {
    Reply r = walkIn();
    assertEquals(201, r.status(), r.body());
    return r.json().getJsonObject("ticket").getString("number");
  }
}
