package io.vaxflow.flow;

import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.act;
import static io.vaxflow.support.FlowKit.assertStraight;
import static io.vaxflow.support.FlowKit.away;
import static io.vaxflow.support.FlowKit.back;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.next;
import static io.vaxflow.support.FlowKit.ok;
import static io.vaxflow.support.FlowKit.scan;
import static io.vaxflow.support.FlowKit.state;
import static io.vaxflow.support.FlowKit.ticket;
import static io.vaxflow.support.FlowKit.trackKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waiting away from the hall: a person's phone gives up their hall seat and keeps their place
 * (POST .../away?k=); the sweep calls them back when their room call is predicted
 * flow.returnLeadMin (10) minutes away, and they reach a desk in their place. One city for the
 * class, on a simulated clock (desk times are learned from it; nothing comes due unless a test
 * moves it), fresh for each test; pudong with 2 desks, open around the clock (for midnight), its
 * capacities set per test by the manager. The tests run the sweep themselves where its timing
 * decides what they check ({@link #sweep}): the server's own runs every 50 ms besides.
 */
class WaitAwayTest {

  /** 23:58 in Shanghai on 2026-11-24. */
  private static final String BEFORE_MIDNIGHT = "2026-11-24T15:58:00Z";
  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  private static final Duration DESK_TIME = Duration.ofMinutes(3); // the configured flow.deskServiceMin
  private static TestCity city;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of(
      "VAXFLOW_FLOW_TICKMS", "50", "VAXFLOW_SITES_PUDONG_DESKS", "2",
      "VAXFLOW_SITES_PUDONG_HOURS_OPEN", "00:00", "VAXFLOW_SITES_PUDONG_HOURS_CLOSE", "24:00"))).fresh();

  /**
   * The hall full (6: W001 called to the room, W002-W006 seated), W007 and W008 outside; desk-2
   * paused, so a room call comes every 3 min and nobody here is near enough their turn to be called
   * back. W006 goes away: its seat goes to W007 at once. W008 goes away from the outside queue; when
   * a seat frees it moves into the hall's queue in its turn without taking it, uncalled; back, it
   * takes the seat.
   */
  @Test
  void goingAwayFreesAHallSeatAtOnceAndTheOutsideQueueMovesIn() {
    FlowKit.capacities(city, 6, 1);
    ok(act(city, city.login("desk", "1234"), "desk-2", "pause"), "pause desk-2");
    List<String> numbers = walkIns(8, 90);
    JsonObject c = assertStraight(state(city), "before");
    assertEquals(List.of(6, 2, 0), List.of(c.getInteger("hall"), c.getInteger("outside"), c.getInteger("away")), c.encode());
    assertTrue(ticket(city, "W006").getBoolean("awayAllowed"), "a seated ticket may go away");
    assertTrue(ticket(city, "W008").getBoolean("awayAllowed"), "so may one outside");

    JsonObject gone = ok(away(city, "W006"), "W006 away");
    assertEquals(List.of(true, false, "hall", "waiting", 4), List.of(gone.getBoolean("away"), gone.getBoolean("awayAllowed"),
        gone.getString("stage"), gone.getString("state"), gone.getInteger("peopleAhead")), "W006 keeps its place: " + gone.encode());
    c = assertStraight(state(city), "W006 away");
    assertEquals(List.of(6, 1, 1), List.of(c.getInteger("hall"), c.getInteger("outside"), c.getInteger("away")),
        "its seat went to the head of the outside queue at once: " + c);
    JsonObject moved = ticket(city, "W007");
    assertEquals(List.of("hall", "waiting", 5), List.of(moved.getString("stage"), moved.getString("state"), moved.getInteger("peopleAhead")),
        "W007 moved in behind W006: " + moved.encode());
    assertEquals(List.of("hall:hall"), FlowKit.callsOf(city, "W007"), "and was called in");

    // asked again (a retry after a lost reply): the same answer, nothing changed
    Map<String, String> before = city.siteDump(SITE);
    assertEquals(true, ok(away(city, "W006"), "W006 away again").getBoolean("away"));
    assertEquals(before, city.siteDump(SITE), "a second away changed nothing: " + TestCity.dumpDiff(before, city.siteDump(SITE)));

    ok(away(city, "W008"), "W008 away from the outside queue");
    c = assertStraight(state(city), "W008 away");
    assertEquals(List.of(6, 0, 2), List.of(c.getInteger("hall"), c.getInteger("outside"), c.getInteger("away")), c.encode());
    ok(scan(city, door(), "W001"), "scan W001"); // a hall seat frees
    c = assertStraight(state(city), "W001 through the door");
    JsonObject w008 = ticket(city, "W008");
    assertEquals(List.of("hall", true, 6), List.of(w008.getString("stage"), w008.getBoolean("away"), w008.getInteger("peopleAhead")), w008.encode());
    assertEquals(List.of(), FlowKit.callsOf(city, "W008"), "a ticket away is not called into the hall");
    assertEquals(List.of(5, 0, 2), List.of(c.getInteger("hall"), c.getInteger("outside"), c.getInteger("away")), c.encode());

    // back before being called back, with a free seat: seated again, in its place
    JsonObject returned = ok(back(city, "W008"), "W008 back");
    assertEquals(List.of(false, true, "hall", 6), List.of(returned.getBoolean("away"), returned.getBoolean("awayAllowed"),
        returned.getString("stage"), returned.getInteger("peopleAhead")), returned.encode());
    c = assertStraight(state(city), "W008 back");
    assertEquals(List.of(6, 1), List.of(c.getInteger("hall"), c.getInteger("away")), c.encode());
    assertEquals(8, numbers.size());
  }

  /**
   * W011 goes away ninth in the hall's queue (eight ahead); the room calls the next of the queue
   * each time a desk is done (room capacity 2, both seats held). With the desks' time at 3 min (learned from
   * the simulated clock: each patient takes exactly 3 min) and 2 desks open, a room call comes
   * every 1.5 min: rank r is (r + 1) x 1.5 min away; the call back comes at rank 5 (9 min), not at
   * rank 6 (10.5 min).
   */
  @Test
  void theCallBackComesWhenTheRoomCallIsReturnLeadAwayAndNotBefore() {
    FlowKit.capacities(city, 20, 2);
    List<String> numbers = walkIns(12, 91);
    String desk = city.login("desk", "1234");
    ok(away(city, "W011"), "W011 away");
    for (int served = 1; served <= 2; served++) {
      servedAtDesk1(desk, numbers);
      sweep();
      JsonObject t = ticket(city, "W011");
      assertTrue(t.getBoolean("away"), "after " + served + " served, W011's room call is more than 10 min away: " + t.encode());
      assertEquals(List.of(), FlowKit.callsOf(city, "W011"));
    }
    assertEquals(6, ticket(city, "W011").getInteger("peopleAhead"), "six ahead: (6 + 1) x 1.5 = 10.5 min");

    servedAtDesk1(desk, numbers); // five ahead: (5 + 1) x 1.5 = 9 min
    FlowKit.await("W011's call back", 10_000, () -> !ticket(city, "W011").getBoolean("away"));
    JsonObject t = ticket(city, "W011");
    assertEquals(List.of("hall", "waiting", false), List.of(t.getString("stage"), t.getString("state"), t.getBoolean("awayAllowed")),
        "called back, W011 waits in the hall in its place and may not go away again: " + t.encode());
    JsonObject last = t.getJsonObject("lastCall");
    assertEquals(true, last.getBoolean("back"), last.encode());
    assertEquals("Number W011, please come back to the waiting hall.", last.getJsonObject("text").getString("en"));
    expectError(away(city, "W011"), 409, "INVALID_TRANSITION", "away again once called back");

    // the call: on /calls like any call, saying "come back"
    JsonObject call = null;
    for (Object o : FlowKit.calls(city, null)) {
      if ("W011".equals(((JsonObject) o).getString("number"))) call = (JsonObject) o;
    }
    assertTrue(call != null, "W011's call is on /calls");
    assertEquals(List.of("hall", true), List.of(call.getJsonObject("to").getString("kind"), call.getBoolean("back")), call.encode());
    assertEquals("Number W011, please come back to the waiting hall.", call.getJsonObject("text").getString("en"));
    assertEquals("请W011号回到候诊大厅。", call.getJsonObject("text").getString("zh"));
    assertEquals("W, zero one one — please come back to the waiting hall.", call.getJsonObject("speech").getString("en"));
    // in the event stream: a call event with back = 1, after the come_back transition
    List<FlowKit.Event> events = FlowKit.events(city, city.login("manager", "2468")).stream()
        .filter(e -> "W011".equals(e.number())).toList();
    assertEquals(List.of("checkin", "away", "come_back", "call"), events.stream().map(FlowKit.Event::type).toList());
    assertEquals(List.of("hall", "1"), List.of(events.get(3).detail("toKind"), events.get(3).detail("back")), events.get(3).toString());
    assertStraight(state(city), "after the call back", 1);
    assertEquals(0, state(city).getJsonObject("counts").getInteger("away"));
  }

  /**
   * Twelve walk-ins, two desks calling next; W005 goes away from the hall, W010 from the outside
   * queue. Each is called back in its turn (never called into the hall like those who wait outside)
   * and reaches a desk in its original place; the hall holds at most those called back over its
   * capacity.
   */
  @Test
  void anAwayTicketReachesADeskInItsOriginalOrder() {
    FlowKit.capacities(city, 6, 2);
    List<String> numbers = walkIns(12, 92);
    String desk = city.login("desk", "1234");
    String door = door();
    ok(away(city, "W005"), "W005 away");
    assertEquals("outside", ticket(city, "W010").getString("stage"));
    ok(away(city, "W010"), "W010 away");
    List<String> atDesks = new ArrayList<>();
    for (int round = 0; round < 30 && atDesks.size() < numbers.size(); round++) {
      scanCalled(numbers, door);
      for (String d : List.of("desk-1", "desk-2")) {
        Reply r = next(city, desk, d);
        if (r.status() == 200 && r.json().getJsonObject("ticket") != null) atDesks.add(r.json().getJsonObject("ticket").getString("number"));
      }
      CLOCK.advance(DESK_TIME);
      for (String d : List.of("desk-1", "desk-2")) act(city, desk, d, "done");
      sweep();
      assertStraight(state(city), "round " + round, 2);
    }
    assertEquals(numbers, atDesks, "desks called everyone in the order they checked in");
    // each was called back before it was called to the room, and never called into the hall before that
    // (W010, called back while still in the outside queue, is then called in like anyone outside)
    for (String n : List.of("W005", "W010")) {
      List<String> calls = new ArrayList<>();
      for (Object o : FlowKit.calls(city, null)) {
        JsonObject c = (JsonObject) o;
        if (n.equals(c.getString("number"))) calls.add(c.getJsonObject("to").getString("kind") + (c.getBoolean("back") ? "(back)" : ""));
      }
      assertEquals("hall(back)", calls.get(0), n + ": " + calls);
      assertEquals(1, calls.stream().filter(k -> k.equals("hall(back)")).count(), n + ": " + calls);
      assertEquals(List.of("room", "desk"), calls.subList(calls.size() - 2, calls.size()), n + ": " + calls);
    }
  }

  /**
   * W013 goes away eleventh in the hall's queue (ten ahead), far from its turn; the manager opens the whole
   * room at once: the room's batch takes W013 in its place, straight to the room, without a call back.
   */
  @Test
  void anAwayTicketReachedBeforeItsCallBackIsCalledToTheRoomDirectly() {
    FlowKit.capacities(city, 20, 2);
    walkIns(14, 93);
    ok(away(city, "W013"), "W013 away");
    sweep();
    assertTrue(ticket(city, "W013").getBoolean("away"), "ten ahead (16.5 min): not called back");
    FlowKit.capacities(city, null, 14);
    JsonObject t = ticket(city, "W013");
    assertEquals(List.of("hall", "called", false), List.of(t.getString("stage"), t.getString("state"), t.getBoolean("away")), t.encode());
    assertEquals(List.of("room:room"), FlowKit.callsOf(city, "W013"));
    JsonObject c = assertStraight(state(city), "the room opened", 1);
    assertEquals(List.of(14, 0, 14), List.of(c.getInteger("hall"), c.getInteger("away"), c.getInteger("calledToRoom")), c.encode());
  }

  @Test
  void goingAwayIsRefusedOnceCalledAndBackIntoAFullHallChangesNothing() {
    FlowKit.capacities(city, 8, 1);
    String desk = city.login("desk", "1234");
    ok(act(city, desk, "desk-2", "pause"), "pause desk-2"); // a room call every 3 min: W008 (rank 6) is not near its turn
    walkIns(10, 94);
    // called to the room: no longer waiting
    Map<String, String> before = city.siteDump(SITE);
    expectError(away(city, "W001"), 409, "INVALID_TRANSITION", "W001 called to the room");
    assertEquals(before, city.siteDump(SITE), TestCity.dumpDiff(before, city.siteDump(SITE)));
    assertFalse(ticket(city, "W001").getBoolean("awayAllowed"));
    // at a desk
    ok(scan(city, door(), "W001"), "scan W001");
    ok(next(city, desk, "desk-1"), "desk-1 next");
    before = city.siteDump(SITE);
    expectError(away(city, "W001"), 409, "INVALID_TRANSITION", "W001 at a desk");
    assertEquals(before, city.siteDump(SITE), TestCity.dumpDiff(before, city.siteDump(SITE)));

    // W008 away: W010 takes its seat (W009 took W001's); back with every seat taken: HALL_FULL, still away
    ok(away(city, "W008"), "W008 away");
    JsonObject c = assertStraight(state(city), "W008 away");
    assertEquals(List.of(8, 0, 1), List.of(c.getInteger("hall"), c.getInteger("outside"), c.getInteger("away")), c.encode());
    before = city.siteDump(SITE);
    Reply full = back(city, "W008");
    expectError(full, 409, "HALL_FULL", "W008 back into a full hall");
    assertEquals(8, full.json().getJsonObject("error").getInteger("capacity"));
    assertEquals(before, city.siteDump(SITE), "HALL_FULL changed nothing: " + TestCity.dumpDiff(before, city.siteDump(SITE)));
    assertTrue(ticket(city, "W008").getBoolean("away"));
  }

  @Test
  void aWrongTokenIsAnUnknownTicketAndChangesNothing() {
    FlowKit.capacities(city, 3, 1);
    walkIns(3, 95);
    Reply unknown = city.post(API + "/tickets/W999/away?k=" + trackKey(city, "W999", TestCity.TODAY), null);
    expectError(unknown, 404, "UNKNOWN_TICKET", "a number never issued");
    Map<String, String> before = city.siteDump(SITE);
    List<String> wrong = List.of(
        "/tickets/W002/away", // no k
        "/tickets/W002/away?k=", // empty
        "/tickets/W002/away?k=" + trackKey(city, "W003", TestCity.TODAY), // another ticket's
        "/tickets/W002/away?k=" + trackKey(city, "W002", "2026-11-23"), // the same number's of another day
        "/tickets/W002/back?k=" + trackKey(city, "W003", TestCity.TODAY),
        "/tickets/W002/away?k=" + trackKey(city, "W002", TestCity.TODAY).toLowerCase(java.util.Locale.ROOT));
    for (String path : wrong) {
      Reply r = city.post(API + path, null);
      assertEquals(404, r.status(), path + ": " + r.body());
      assertEquals(unknown.body(), r.body(), path + ": exactly as a number never issued");
    }
    assertEquals(before, city.siteDump(SITE), "nothing changed: " + TestCity.dumpDiff(before, city.siteDump(SITE)));
    assertFalse(ticket(city, "W002").getBoolean("away"));
  }

  /**
   * W005 goes away at 23:58; past midnight it is still away, in its place, counted, its token (of
   * yesterday) still good; the new day's numbers skip it; it is called back after midnight and
   * reaches the room in its place.
   */
  @Test
  void waitingAwayCarriesOverMidnight() {
    CLOCK.set(BEFORE_MIDNIGHT);
    FlowKit.capacities(city, 20, 1);
    String desk = city.login("desk", "1234");
    // desk-2 paused: a room call every 3 min, so ranks 0-2 are called back
    ok(act(city, desk, "desk-2", "pause"), "pause desk-2");
    List<String> numbers = walkIns(6, 96);
    ok(away(city, "W005"), "W005 away"); // rank 3: 12 min
    ok(scan(city, door(), "W001"), "scan W001"); // before its arrival timeout runs out past midnight
    CLOCK.advance(Duration.ofMinutes(5)); // 00:03 on the 25th
    assertEquals("2026-11-25", city.server.flows().get(SITE).today().toString());
    sweep();
    JsonObject t = ticket(city, "W005");
    assertEquals(List.of(true, 3), List.of(t.getBoolean("away"), t.getInteger("peopleAhead")), t.encode());
    assertEquals(1, state(city).getJsonObject("counts").getInteger("away"), "still counted away (the site's people are not the day's)");
    String today = city.walkIn(SITE, FlowKit.name("Early", 0), FlowKit.idNumber(96, 50)).getString("number");
    assertEquals("W007", today, "the new day's numbering skips the numbers still in the site");
    expectError(city.post(API + "/tickets/W005/back?k=" + trackKey(city, "W005", "2026-11-25"), null), 404, "UNKNOWN_TICKET",
        "a token of today's day for yesterday's W005");
    ok(away(city, "W006"), "W006 (yesterday's) away with yesterday's token, after midnight");

    servedAtDesk1(desk, numbers); // W002 called to the room: W003, W004 ahead of W005 (rank 2: 9 min)
    FlowKit.await("W005's call back after midnight", 10_000, () -> !ticket(city, "W005").getBoolean("away"));
    assertTrue(ticket(city, "W006").getBoolean("away"), "W006, one further, not yet");
    List<String> toRoom = new ArrayList<>();
    for (int i = 0; i < 6 && toRoom.size() < numbers.size() - 1; i++) {
      for (String n : numbers) {
        JsonObject x = ticket(city, n);
        if (x.getString("stage").equals("hall") && x.getString("state").equals("called") && !toRoom.contains(n)) toRoom.add(n);
      }
      servedAtDesk1(desk, numbers);
      sweep();
    }
    assertEquals(numbers.subList(1, 6), toRoom.subList(0, 5), "called to the room in their places");
    assertEquals(List.of("hall:hall", "room:room"), FlowKit.callsOf(city, "W006").subList(0, 2));
  }

  /**
   * Priority lanes with people away: three P tickets and five walk-ins in the hall, the room taking
   * one at a time (desk-2 paused: a room call every 3 min, so ranks 0-2 are called back). P003 and
   * W004 go away; the room still calls P first but at most 2 in a row, each away ticket is called
   * back in its turn by that order, and reaches the room in its place.
   */
  @Test
  void waitingAwayKeepsThePriorityLaneAndItsLimit() {
    FlowKit.capacities(city, 20, 1);
    String desk = city.login("desk", "1234");
    ok(act(city, desk, "desk-2", "pause"), "pause desk-2");
    List<String> numbers = new ArrayList<>(walkIns(2, 97)); // W001 called to the room, W002 waits
    for (int i = 0; i < 3; i++) {
      String voucher = city.book(SITE, FlowKit.name("Elder", i), FlowKit.idNumber(97, 10 + i), "elderly").getString("voucher");
      Reply r = city.post(API + "/checkins", new JsonObject().put("voucher", voucher));
      assertEquals(201, r.status(), r.body());
      numbers.add(r.json().getJsonObject("ticket").getString("number"));
    }
    for (int i = 2; i < 5; i++) numbers.add(city.walkIn(SITE, FlowKit.name("Walker", i), FlowKit.idNumber(97, i)).getString("number"));
    assertEquals(List.of("W001", "W002", "P001", "P002", "P003", "W003", "W004", "W005"), numbers);
    // the hall's pick order from here: P001, P002, W002, P003, W003, W004, W005 (two P in a row at most)
    ok(away(city, "P003"), "P003 away"); // rank 3: 12 min
    ok(away(city, "W004"), "W004 away"); // rank 5: 18 min
    sweep();
    assertTrue(ticket(city, "P003").getBoolean("away") && ticket(city, "W004").getBoolean("away"), "neither is near its turn");

    List<String> toRoom = new ArrayList<>(List.of("W001"));
    List<String> calledBackAt = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      servedAtDesk1(desk, numbers);
      sweep();
      for (String n : numbers) {
        JsonObject x = ticket(city, n);
        if (x.getString("stage").equals("hall") && x.getString("state").equals("called") && !toRoom.contains(n)) toRoom.add(n);
        if (x.getJsonObject("lastCall") != null && x.getJsonObject("lastCall").getBoolean("back") && !calledBackAt.contains(n)) {
          calledBackAt.add(n);
          calledBackAt.add(toRoom.get(toRoom.size() - 1));
        }
      }
    }
    assertEquals(List.of("W001", "P001", "P002", "W002", "P003", "W003", "W004", "W005"), toRoom);
    // P003 called back once P001 was called (rank 2: 9 min), W004 once W002 was (rank 2)
    assertEquals(List.of("P003", "P001", "W004", "W002"), calledBackAt);
  }

  // ---- helpers ----

  private static List<String> walkIns(int n, int series) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(city.walkIn(SITE, FlowKit.name("Away", i), FlowKit.idNumber(series, i)).getString("number"));
    return out;
  }

  private static String door() {
    return city.login("door", "1357");
  }

  /** One timer sweep of the site now, as flow/TimerSweep runs it: done when it returns. */
  private static void sweep() {
    city.server.flows().get(SITE).tick().await();
  }

  /** Every ticket called to the room passes the door, in number order. */
  private static void scanCalled(List<String> numbers, String door) {
    for (String n : numbers) {
      JsonObject t = ticket(city, n);
      if (t.getString("stage").equals("hall") && t.getString("state").equals("called")) ok(scan(city, door, n), "scan " + n);
    }
  }

  /**
   * The room's called tickets pass the door; desk-1 calls the next and is done with them after the
   * desk time on the simulated clock: the room's seat goes to the next in the hall.
   */
  private static void servedAtDesk1(String desk, List<String> numbers) {
    scanCalled(numbers, door());
    ok(next(city, desk, "desk-1"), "desk-1 next");
    CLOCK.advance(DESK_TIME);
    ok(act(city, desk, "desk-1", "done"), "desk-1 done");
  }
}
