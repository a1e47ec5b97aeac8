package io.vaxflow.flow;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observation area as a station, over HTTP against the real stack (Redis, scripts, timer
 * sweep): a short standard observation (4 s) so the timer comes due within the test; extend moves a
 * person's release to 30 minutes from the start; a severe reaction holds the release past the
 * timer and raises the dashboard alert until staff clear it; release early; a booking with an
 * anaphylaxis history gets 30 minutes; desk staff are refused; forged and unknown numbers rejected.
 * One city for the class on a simulated clock (the timer comes due when the test moves it), fresh
 * for each test.
 */
class ObservationTest {

  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  private static TestCity city;

  private static final int STANDARD_SEC = 4;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK,
      Map.of("VAXFLOW_FLOW_OBSERVATIONSEC", String.valueOf(STANDARD_SEC), "VAXFLOW_FLOW_TICKMS", "50"))).fresh();

  private static final long HIGH_MS = 30 * 60_000L;
  private static final String OBS = API + "/observation";
  private static final AtomicInteger PEOPLE = new AtomicInteger();

  /** A checked-in ticket through the door, a desk and a booth into observation. */
  private static String toObservation(TestCity city, SiteStaff staff, String number) {
    ok(FlowKit.scan(city, staff.door(), number), "scan " + number);
    assertEquals(number, ok(FlowKit.next(city, staff.desk(), "desk-1"), "desk next").getJsonObject("ticket").getString("number"));
    ok(FlowKit.act(city, staff.desk(), "desk-1", "start"), "desk start");
    ok(FlowKit.act(city, staff.desk(), "desk-1", "done"), "desk done");
    city.openVial(FlowKit.SITE, staff.booth(), "booth-1"); // a vial each: the vaccinator's first shot of it
    assertEquals(number, ok(FlowKit.next(city, staff.booth(), "booth-1"), "booth next").getJsonObject("ticket").getString("number"));
    ok(FlowKit.act(city, staff.booth(), "booth-1", "start"), "booth start");
    ok(FlowKit.act(city, staff.booth(), "booth-1", "done"), "booth done");
    assertEquals("observation", FlowKit.ticket(city, number).getString("stage"));
    return number;
  }

  private static String walkIn(TestCity city) {
    int i = PEOPLE.incrementAndGet();
    return city.walkIn(SITE, FlowKit.name("Observed", i), FlowKit.idNumber(9, i)).getString("number");
  }

  private static JsonObject person(TestCity city, String cookie, String number) {
    for (Object o : ok(city.get(OBS, cookie), "observation list").getJsonArray("people")) {
      if (number.equals(((JsonObject) o).getString("number"))) return (JsonObject) o;
    }
    return null;
  }

  private static long ms(String iso) {
    return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
  }

  private static Reply post(TestCity city, String cookie, String number, String action, JsonObject body) {
    return city.post(OBS + "/" + number + "/" + action, cookie, body == null ? new JsonObject() : body);
  }

  private static JsonObject reaction(String severity) {
    return new JsonObject().put("symptoms", "hives on the arm, short of breath").put("severity", severity);
  }

  private static List<JsonObject> alerts(TestCity city, String manager, String code) {
    JsonArray all = ok(city.get(API + "/metrics", manager), "metrics").getJsonArray("alerts");
    return all.stream().map(o -> (JsonObject) o).filter(a -> code.equals(a.getString("code"))).toList();
  }

  @Test
  void extendHoldClearReleaseAndAnaphylaxisHistory() {
    SiteStaff staff = SiteStaff.signIn(city);

    // A: extended to 30 minutes from the start of its observation
    String a = toObservation(city, staff, walkIn(city));
    JsonObject pa = person(city, staff.observer(), a);
    assertEquals("standard", pa.getString("risk"));
    assertTrue(pa.getLong("secondsLeft") <= STANDARD_SEC, pa.encode());
    JsonObject extended = ok(post(city, staff.observer(), a, "extend", null), "extend").getJsonObject("person");
    assertTrue(extended.getBoolean("extended"));
    assertEquals(ms(extended.getString("from")) + HIGH_MS, ms(extended.getString("until")), extended.encode());
    assertTrue(extended.getLong("secondsLeft") > 25 * 60, extended.encode());
    // the timer moved with it: long after the standard time, A is still in observation
    assertEquals(ms(extended.getString("until")), person(city, staff.observer(), a).getLong("untilMs"));

    // B: a severe reaction holds the release past its timer, and the dashboard says so
    String b = toObservation(city, staff, walkIn(city));
    JsonObject held = ok(post(city, staff.observer(), b, "reaction", reaction("severe")), "severe reaction").getJsonObject("person");
    assertTrue(held.getBoolean("held"), held.encode());
    assertEquals("severe", held.getJsonArray("reactions").getJsonObject(0).getString("severity"));
    assertEquals("observer", held.getJsonArray("reactions").getJsonObject(0).getString("by"));
    // D, in observation since the same instant without a reaction: once the sweep has released D,
    // it has handled B's timer, which came due with D's
    String d = toObservation(city, staff, walkIn(city));
    long due = ms(held.getString("until"));
    assertEquals(due, person(city, staff.observer(), d).getLong("untilMs"), "D's timer comes due with B's");
    CLOCK.set(due + 1000);
    FlowKit.await("D released by the sweep", 10_000, () -> FlowKit.ticket(city, d).getString("stage").equals("released"));
    assertEquals("observation", FlowKit.ticket(city, b).getString("stage"), "a severe reaction holds the release");
    List<JsonObject> alert = alerts(city, staff.manager(), "SEVERE_REACTION");
    assertEquals(1, alert.size(), "one alert for B");
    assertEquals(b, alert.get(0).getString("subject"));
    assertEquals("critical", alert.get(0).getString("level"));
    // the held person is listed first; early release refused while held
    assertEquals(b, ok(city.get(OBS, staff.observer()), "list").getJsonArray("people").getJsonObject(0).getString("number"));
    expectError(post(city, staff.observer(), b, "release", null), 409, "REACTION_HELD", "release while held");
    // a mild reaction of A holds nothing
    JsonObject mild = ok(post(city, staff.booth(), a, "reaction", reaction("mild")), "mild reaction").getJsonObject("person");
    assertFalse(mild.getBoolean("held"));

    // cleared: B's timer is long due, so the sweep releases B and calls them to the exit
    JsonObject cleared = ok(post(city, staff.observer(), b, "clear", null), "clear").getJsonObject("person");
    assertFalse(cleared.getBoolean("held"));
    FlowKit.await(b + " released after the clear", 10_000, () -> FlowKit.ticket(city, b).getString("stage").equals("released"));
    assertEquals("exit", FlowKit.ticket(city, b).getJsonObject("lastCall").getJsonObject("to").getString("kind"));
    assertTrue(alerts(city, staff.manager(), "SEVERE_REACTION").isEmpty(), "the alert is gone");
    expectError(post(city, staff.observer(), b, "clear", null), 409, "NOT_IN_OBSERVATION", "clear after release");

    // A released early by staff
    JsonObject early = ok(post(city, staff.observer(), a, "release", null), "release early").getJsonObject("ticket");
    assertEquals("released", early.getString("stage"));
    assertEquals("exit", early.getJsonObject("lastCall").getJsonObject("to").getString("kind"));
    assertEquals(null, person(city, staff.observer(), a));

    // C: booked with an anaphylaxis history: 30 minutes from the start
    JsonObject booking = city.booking(new JsonObject().put("name", "Chen Hua").put("idNumber", "310101198001010077")
        .put("phone", "13800138000").put("dose", 1).put("day", TestCity.TODAY).put("siteId", SITE).put("anaphylaxisHistory", true)).json();
    Reply checkin = city.post(API + "/checkins", new JsonObject().put("voucher", booking.getString("voucher")));
    assertEquals(201, checkin.status(), checkin.body());
    String c = toObservation(city, staff, checkin.json().getJsonObject("ticket").getString("number"));
    JsonObject pc = person(city, staff.observer(), c);
    assertEquals("high", pc.getString("risk"));
    assertEquals(ms(pc.getString("from")) + HIGH_MS, ms(pc.getString("until")), pc.encode());
    assertFalse(pc.getBoolean("extended"));
    // a bad flag is a 400 naming it
    Reply bad = city.post("/api/v1/bookings", new JsonObject().put("name", "Chen Hua").put("idNumber", "310101198001010085")
        .put("phone", "13800138000").put("dose", 1).put("day", TestCity.TODAY).put("siteId", SITE).put("anaphylaxisHistory", "yes"));
    expectError(bad, 400, "INVALID_INPUT", "anaphylaxisHistory not a boolean");
    assertEquals("anaphylaxisHistory", bad.json().getJsonObject("error").getString("field"));

    // the events: each action is one event of the ticket
    List<String> kinds = FlowKit.events(city, staff.manager()).stream().filter(e -> e.number().equals(b)).map(FlowKit.Event::type).toList();
    assertTrue(kinds.containsAll(List.of("reaction", "reaction_clear", "release")), kinds.toString());
    FlowKit.assertStraight(FlowKit.state(city), "after the observation");
  }

  @Test
  void deskStaffAreRefusedAndForgedOrUnknownNumbersRejected() {
    SiteStaff staff = SiteStaff.signIn(city);
    String n = toObservation(city, staff, walkIn(city));
    expectError(post(city, staff.desk(), n, "reaction", reaction("severe")), 403, "FORBIDDEN", "desk records a reaction");
    expectError(city.get(OBS, staff.desk()), 403, "FORBIDDEN", "desk lists observation");
    expectError(post(city, staff.door(), n, "release", null), 403, "FORBIDDEN", "door releases");
    expectError(post(city, null, n, "extend", null), 401, "UNAUTHENTICATED", "no session");
    assertFalse(person(city, staff.observer(), n).getBoolean("held"), "nothing was recorded");

    for (String forged : List.of("X001", "W1", "W001%27--", "w00001234")) {
      expectError(post(city, staff.observer(), forged, "extend", null), 404, "UNKNOWN_TICKET", "forged " + forged);
    }
    expectError(post(city, staff.observer(), "W999", "reaction", reaction("mild")), 404, "UNKNOWN_TICKET", "unknown W999");
    String waiting = walkIn(city); // in the hall, not in observation
    expectError(post(city, staff.observer(), waiting, "release", null), 409, "NOT_IN_OBSERVATION", "release from the hall");
    expectError(post(city, staff.observer(), n, "clear", null), 409, "INVALID_TRANSITION", "clear without a severe reaction");

    // bodies parsed at the edge: 400 naming the field
    expectError(post(city, staff.observer(), n, "reaction", new JsonObject().put("symptoms", "rash").put("severity", "fatal")),
        400, "INVALID_INPUT", "unknown severity");
    expectError(post(city, staff.observer(), n, "reaction", new JsonObject().put("symptoms", "x".repeat(201)).put("severity", "mild")),
        400, "INVALID_INPUT", "symptoms too long");
    expectError(post(city, staff.observer(), n, "reaction", new JsonObject().put("severity", "mild")), 400, "INVALID_INPUT", "no symptoms");
    expectError(post(city, staff.observer(), n, "reaction", reaction("mild").put("at", city.server.flows().get(SITE).now().toEpochMilli() + 3_600_000L)),
        400, "INVALID_INPUT", "a reaction in the future");
    assertTrue(person(city, staff.observer(), n).getJsonArray("reactions").isEmpty(), "no bad reaction was stored");
    // the time it began is kept as given
    long began = city.server.flows().get(SITE).now().toEpochMilli() - 120_000;
    JsonObject r = ok(post(city, staff.observer(), n, "reaction", reaction("moderate").put("at", began)), "moderate")
        .getJsonObject("person").getJsonArray("reactions").getJsonObject(0);
    assertEquals(began, ms(r.getString("at")));
  }
}
