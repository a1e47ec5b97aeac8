package io.vaxflow.flow;

import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.act;
import static io.vaxflow.support.FlowKit.assertStraight;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.next;
import static io.vaxflow.support.FlowKit.ok;
import static io.vaxflow.support.FlowKit.scan;
import static io.vaxflow.support.FlowKit.state;
import static io.vaxflow.support.FlowKit.ticket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A site open around the clock passes midnight with a ticket in every stage. Nothing is lost or
 * renumbered: every lookup still answers, stations keep their patients, yesterday's timers run,
 * the hall's count stays true and the new day's numbers skip the ones still in the site. The
 * server runs on a simulated clock: the site is filled at 23:59:45, then the clock is moved past
 * midnight, then past the end of the observation that began yesterday.
 */
class MidnightTest {

  /** 23:59:45 in Shanghai on 2026-11-24. */
  private static final Instant BEFORE_MIDNIGHT = Instant.parse("2026-11-24T15:59:45Z");

  @Test
  void aDayEndsWithPeopleInsideAndTheyCarryOn() {
    SimClock clock = new SimClock(BEFORE_MIDNIGHT.toEpochMilli());
    try (TestCity city = TestCity.startOn(clock, Map.of(
        "VAXFLOW_SITES_PUDONG_HOURS_OPEN", "00:00",
        "VAXFLOW_SITES_PUDONG_HOURS_CLOSE", "24:00",
        "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "6",
        "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "3",
        // observation ends after midnight: yesterday's timer must still run
        "VAXFLOW_FLOW_OBSERVATIONSEC", "25",
        "VAXFLOW_FLOW_TICKMS", "100"))) {
      String door = city.login("door", "1357");
      String desk = city.login("desk", "1234");
      String booth = city.login("booth", "4321");

      List<String> numbers = new ArrayList<>();
      for (int i = 0; i < 12; i++) numbers.add(city.walkIn(SITE, FlowKit.name("Night", i), FlowKit.idNumber(70, i)).getString("number"));
      // W001-W003 called to the room; W001, W002 and W003 pass the door
      for (String n : numbers.subList(0, 3)) ok(scan(city, door, n), "scan " + n);
      // W001 through a desk and a booth into observation
      ok(next(city, desk, "desk-1"), "desk-1 next");
      ok(act(city, desk, "desk-1", "start"), "desk-1 start");
      ok(act(city, desk, "desk-1", "done"), "desk-1 done");
      city.openVial(FlowKit.SITE, booth, "booth-1");
      city.openVial(FlowKit.SITE, booth, "booth-2");
      ok(next(city, booth, "booth-1"), "booth-1 next");
      ok(act(city, booth, "booth-1", "start"), "booth-1 start");
      ok(act(city, booth, "booth-1", "done"), "booth-1 done");
      // W002 through a desk into the vaccination queue, then called to booth-2 (held over midnight)
      ok(next(city, desk, "desk-1"), "desk-1 next");
      ok(act(city, desk, "desk-1", "done"), "desk-1 done");
      ok(next(city, booth, "booth-2"), "booth-2 next");
      // W003 at desk-2, being served
      ok(next(city, desk, "desk-2"), "desk-2 next");
      ok(act(city, desk, "desk-2", "start"), "desk-2 start");
      // one more through the door and a desk, waiting for a booth; then one seated in the room
      String called = first(city, numbers, "hall", "called");
      ok(scan(city, door, called), "scan " + called);
      ok(next(city, desk, "desk-3"), "desk-3 next");
      ok(act(city, desk, "desk-3", "done"), "desk-3 done");
      String seated = first(city, numbers, "hall", "called");
      ok(scan(city, door, seated), "scan " + seated);

      LocalDate yesterday = city.server.flows().get(SITE).today();
      assertEquals(LocalDate.parse("2026-11-24"), yesterday, "filled before midnight");
      Map<String, JsonObject> before = views(city, numbers);
      JsonObject countsBefore = assertStraight(state(city), "before midnight");
      Map<String, String> stationsBefore = stationTickets(city, desk);
      for (String stage : List.of("outside", "hall", "room", "desk", "vaccination", "booth", "observation")) {
        assertTrue(countsBefore.getInteger(stage) > 0, "a ticket at " + stage + " before midnight: " + countsBefore);
      }

      // 00:00:05: midnight has passed, W001's 25 s of observation (from 23:59:45) not yet
      clock.set(BEFORE_MIDNIGHT.plusSeconds(20).toEpochMilli());
      assertEquals(LocalDate.parse("2026-11-25"), city.server.flows().get(SITE).today(), "the site's day after midnight");

      // every ticket still answers, with the same number, stage and state (observation may have ended)
      Map<String, JsonObject> after = views(city, numbers);
      for (String n : numbers) {
        JsonObject b = before.get(n);
        JsonObject a = after.get(n);
        assertEquals(n, a.getString("number"));
        if (!"observation".equals(b.getString("stage"))) {
          assertEquals(b.getString("stage") + "/" + b.getString("state"), a.getString("stage") + "/" + a.getString("state"),
              n + " after midnight: " + a.encode());
        }
      }
      JsonObject countsAfter = assertStraightLive(state(city), "after midnight");
      for (String stage : List.of("outside", "hall", "room", "desk", "vaccination", "booth")) {
        assertEquals(countsBefore.getInteger(stage), countsAfter.getInteger(stage), stage + " after midnight: " + countsAfter);
      }
      assertEquals(stationsBefore, stationTickets(city, desk), "stations keep their patients over midnight");

      // the hall is still full: a new arrival waits outside, with a number no one in the site holds
      Reply fresh = city.post(API + "/checkins", new JsonObject().put("walkIn",
          new JsonObject().put("name", "After Midnight").put("idNumber", FlowKit.idNumber(71, 1)).put("dose", 1)));
      assertEquals(201, fresh.status(), fresh.body());
      String newNumber = fresh.json().getJsonObject("ticket").getString("number");
      assertFalse(numbers.contains(newNumber), "a new day's number never collides with one still in the site: " + newNumber);
      assertEquals("outside", fresh.json().getJsonObject("ticket").getString("stage"), "the hall is still full: " + fresh.body());
      assertEquals(countsBefore.getInteger("hall"), state(city).getJsonObject("counts").getInteger("hall"), "hall count");

      // the stations act on what they held yesterday; a busy one is still busy
      expectError(next(city, desk, "desk-2"), 409, "STATION_BUSY", "desk-2 still serves its patient");
      ok(act(city, desk, "desk-2", "done"), "desk-2 done after midnight");
      ok(act(city, booth, "booth-2", "start"), "booth-2 start after midnight");
      ok(act(city, booth, "booth-2", "done"), "booth-2 done after midnight");

      // yesterday's observation timer runs today: W001 is released and called to the exit
      String observed = numbers.get(0);
      assertEquals("observation", ticket(city, observed).getString("stage"), "in observation until 00:00:10");
      clock.set(BEFORE_MIDNIGHT.plusSeconds(30).toEpochMilli());
      FlowKit.await(observed + " released by yesterday's observation timer", 60_000,
          () -> "released".equals(ticket(city, observed).getString("stage")));
      assertTrue(FlowKit.callsOf(city, observed).contains("exit:exit"), "told to leave: " + FlowKit.callsOf(city, observed));
      assertStraightLive(state(city), "end");
    }
  }

  /** Live stages only: the day's tallies (issued, released) now belong to two days. */
  private static JsonObject assertStraightLive(JsonObject state, String when) {
    JsonObject c = state.getJsonObject("counts");
    int hallCap = state.getJsonObject("capacities").getInteger("hall");
    int roomCap = state.getJsonObject("capacities").getInteger("room");
    assertTrue(c.getInteger("hall") <= hallCap, when + ": hall over capacity: " + c);
    assertTrue(c.getInteger("room") + c.getInteger("calledToRoom") + c.getInteger("desk") <= roomCap, when + ": room over capacity: " + c);
    return c;
  }

  private static Map<String, JsonObject> views(TestCity city, List<String> numbers) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (String n : numbers) out.put(n, ticket(city, n));
    return out;
  }

  private static Map<String, String> stationTickets(TestCity city, String cookie) {
    Map<String, String> out = new LinkedHashMap<>();
    Reply r = city.get(API + "/stations", cookie);
    assertEquals(200, r.status(), r.body());
    for (Object o : r.array()) {
      JsonObject s = (JsonObject) o;
      out.put(s.getString("id"), s.getString("state") + ":" + s.getValue("ticket"));
    }
    return out;
  }

  private static String first(TestCity city, List<String> numbers, String stage, String st) {
    for (String n : numbers) {
      JsonObject t = ticket(city, n);
      if (stage.equals(t.getString("stage")) && st.equals(t.getString("state"))) return n;
    }
    throw new AssertionError("no ticket at " + stage + "/" + st);
  }
}
