package io.vaxflow.flow;

import io.vaxflow.support.CityPerClass;
import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.assertStraight;
import static io.vaxflow.support.FlowKit.callsOf;
import static io.vaxflow.support.FlowKit.compareIds;
import static io.vaxflow.support.FlowKit.expectError;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.FlowKit.Event;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What staff do at stations, one transition at a time over HTTP: recall, start, done, no-show and
 * reinstate, return, transfer, pause and resume, the door's scan; and the timers: a silent
 * station's lease, the arrival timeout, the end of observation. One city for the class, fresh for
 * each test, on a simulated clock: a timer comes due when a test moves the clock past it (the
 * demo config's lease, arrival timeout and observation); the rate of a running clock has a city of
 * its own.
 */
class StationFlowTest {

  private static final SimClock CLOCK = SimClock.at(TestCity.MORNING);
  private static TestCity city;
  private static SiteStaff staff;

  @RegisterExtension
  static final CityPerClass CITY = CityPerClass.of(() -> TestCity.startOn(CLOCK, Map.of("VAXFLOW_FLOW_TICKMS", "50"))).fresh().signedIn();

  /** The demo config's value of a timer, plus a second: the clock moved by it makes the timer due. */
  private static Duration past(int seconds) {
    return Duration.ofSeconds(seconds + 1);
  }

  private static final String NAME = "Ouyang Privacyname";
  private static final String ID_NUMBER = "31010119770707123X";

  private static final AtomicInteger PEOPLE = new AtomicInteger();

  /** n walk-ins checked in and let into the room in order; returns their numbers. */
  private static List<String> inTheRoom(TestCity city, SiteStaff staff, int n) {
    List<String> out = new java.util.ArrayList<>();
    for (int k = 0; k < n; k++) {
      int i = PEOPLE.incrementAndGet();
      String num = city.walkIn(SITE, FlowKit.name("Station", i), FlowKit.idNumber(7, i)).getString("number");
      ok(FlowKit.scan(city, staff.door(), num), "scan " + num);
      out.add(num);
    }
    return out;
  }

  private static String ticketAt(JsonObject stationReply) {
    return stationReply.getJsonObject("ticket").getString("number");
  }

  private static void assertAt(TestCity city, String number, String stage, String state, int peopleAhead) {
    JsonObject t = FlowKit.ticket(city, number);
    assertEquals(stage + "/" + state + " ahead " + peopleAhead,
        t.getString("stage") + "/" + t.getString("state") + " ahead " + t.getInteger("peopleAhead"), number + ": " + t);
  }

  @Test
  void recallStartDoneAndNoPersonalDataInPublicViews() {
    JsonObject w = city.walkIn(SITE, NAME, ID_NUMBER);
    String n = w.getString("number");
    ok(FlowKit.scan(city, staff.door(), n), "scan");

    JsonObject called = ok(FlowKit.next(city, staff.desk(), "desk-1"), "next");
    assertEquals(n, ticketAt(called));
    assertEquals("called", called.getJsonObject("station").getString("state"));
    String firstCall = FlowKit.ticket(city, n).getJsonObject("lastCall").getString("eventId");
    assertEquals(List.of("room:room", "desk:desk-1"), callsOf(city, n));

    // Recall: a new call event, the same station.
    JsonObject recalled = ok(FlowKit.act(city, staff.desk(), "desk-1", "recall"), "recall");
    assertEquals(n, ticketAt(recalled));
    assertEquals(List.of("room:room", "desk:desk-1", "desk:desk-1"), callsOf(city, n));
    String secondCall = FlowKit.ticket(city, n).getJsonObject("lastCall").getString("eventId");
    assertTrue(compareIds(firstCall, secondCall) < 0, firstCall + " then " + secondCall);

    // Busy: next is refused; start serves.
    expectError(FlowKit.next(city, staff.desk(), "desk-1"), 409, "STATION_BUSY", "next while called");
    JsonObject started = ok(FlowKit.act(city, staff.desk(), "desk-1", "start"), "start");
    assertEquals("serving", started.getJsonObject("ticket").getString("state"));
    assertEquals("serving", started.getJsonObject("station").getString("state"));
    assertAt(city, n, "desk", "serving", 0);
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "recall"), 409, "INVALID_TRANSITION", "recall while serving");
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "no-show"), 409, "INVALID_TRANSITION", "no-show while serving");
    expectError(FlowKit.next(city, staff.desk(), "desk-1"), 409, "STATION_BUSY", "next while serving");
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "start"), 409, "INVALID_TRANSITION", "start twice");

    // Done: into the one vaccination queue; the desk is free.
    JsonObject done = ok(FlowKit.act(city, staff.desk(), "desk-1", "done"), "done");
    assertEquals("idle", done.getJsonObject("station").getString("state"));
    assertAt(city, n, "vaccination", "waiting", 0);
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "done"), 409, "INVALID_TRANSITION", "done with nothing held");
    assertEquals(204, FlowKit.next(city, staff.desk(), "desk-1").status());
    // A desk cannot take from the booths' queue, nor work a booth.
    expectError(FlowKit.next(city, staff.desk(), "booth-1"), 403, "FORBIDDEN", "desk staff at a booth");

    city.openVial(FlowKit.SITE, staff.booth(), "booth-3");
    ok(FlowKit.next(city, staff.booth(), "booth-3"), "booth next");
    assertAt(city, n, "booth", "called", 0);
    ok(FlowKit.act(city, staff.booth(), "booth-3", "start"), "booth start");
    ok(FlowKit.act(city, staff.booth(), "booth-3", "done"), "booth done");
    assertAt(city, n, "observation", "waiting", 0);
    assertEquals(List.of("room:room", "desk:desk-1", "desk:desk-1", "booth:booth-3"), callsOf(city, n));
    assertStraight(FlowKit.state(city), "end");

    // No personal data in the public views.
    for (String path : List.of(API + "/tickets/" + n, API + "/state", API + "/calls", "/api/v1/sites")) {
      String body = city.get(path).body();
      assertFalse(body.contains("Ouyang") || body.contains("Privacyname"), path + " shows the name: " + body);
      assertFalse(body.contains(ID_NUMBER), path + " shows the id number: " + body);
      Object json = body.startsWith("[") ? new JsonArray(body) : new JsonObject(body);
      assertFalse(hasKey(json, "idNumber") || hasKey(json, "phone") || hasKey(json, "patient"),
          path + " has a personal field: " + body);
    }
    // Nor in what the checkin replied.
    assertFalse(w.encode().contains("Privacyname") || w.encode().contains(ID_NUMBER), w.encode());
  }

  private static boolean hasKey(Object json, String key) {
    if (json instanceof JsonObject o) {
      for (var e : o) {
        if (e.getKey().equals(key)) return true;
        if (hasKey(e.getValue(), key)) return true;
      }
    } else if (json instanceof JsonArray a) {
      for (Object v : a) if (hasKey(v, key)) return true;
    }
    return false;
  }

  @Test
  void noShowThenReinstateGoesBackToTheHeadOfTheQueue() {
    List<String> n = inTheRoom(city, staff, 3);

    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-1"), "next")));
    JsonObject ns = ok(FlowKit.act(city, staff.desk(), "desk-1", "no-show"), "no-show");
    assertEquals("idle", ns.getJsonObject("station").getString("state"));
    assertAt(city, n.get(0), "desk", "no-show", 0);
    assertEquals(1, assertStraight(FlowKit.state(city), "after no-show").getInteger("noShow"));
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "no-show"), 409, "INVALID_TRANSITION", "no-show with nothing held");

    // The queue moves on without it.
    assertEquals(n.get(1), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-1"), "next")));

    // It comes back: the head of the room queue, ahead of those who did not miss their turn.
    JsonObject back = ok(FlowKit.reinstate(city, staff.desk(), n.get(0)), "reinstate");
    assertEquals("room", back.getJsonObject("ticket").getString("stage"));
    assertAt(city, n.get(0), "room", "waiting", 0);
    assertAt(city, n.get(2), "room", "waiting", 1);
    JsonObject c = assertStraight(FlowKit.state(city), "after reinstate");
    assertEquals(0, c.getInteger("noShow"));
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-2"), "next after reinstate")));
    assertEquals(n.get(2), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-3"), "next")));

    expectError(FlowKit.reinstate(city, staff.desk(), n.get(1)), 409, "INVALID_TRANSITION", "reinstate a ticket that is not a no-show");
    expectError(FlowKit.reinstate(city, staff.desk(), "W999"), 404, "UNKNOWN_TICKET", "reinstate an unknown ticket");

    List<String> history = FlowKit.events(city, staff.manager()).stream()
        .filter(e -> e.number().equals(n.get(0)) && !e.type().equals("call")).map(Event::brief).toList();
    assertEquals(List.of("checkin", "call_room", "door_scan", "station_call@desk-1", "no_show@desk-1", "reinstate",
        "station_call@desk-2"), history);
  }

  @Test
  void returnPutsTheTicketAtTheHeadOfItsQueue() {
    List<String> n = inTheRoom(city, staff, 3);

    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-1"), "next")));
    ok(FlowKit.act(city, staff.desk(), "desk-1", "start"), "start");
    JsonObject ret = ok(FlowKit.act(city, staff.desk(), "desk-1", "return"), "return");
    assertEquals("idle", ret.getJsonObject("station").getString("state"));
    assertAt(city, n.get(0), "room", "waiting", 0);
    assertAt(city, n.get(1), "room", "waiting", 1);
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "return"), 409, "INVALID_TRANSITION", "return with nothing held");
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-2"), "next after return")));

    // At the booths too: n1 reaches the vaccination queue first, n0 is returned ahead of it.
    assertEquals(n.get(1), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-1"), "next")));
    ok(FlowKit.act(city, staff.desk(), "desk-2", "done"), "done n0");
    ok(FlowKit.act(city, staff.desk(), "desk-1", "done"), "done n1");
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.booth(), "booth-1"), "booth next")));
    ok(FlowKit.act(city, staff.booth(), "booth-1", "return"), "booth return");
    assertAt(city, n.get(0), "vaccination", "waiting", 0);
    assertAt(city, n.get(1), "vaccination", "waiting", 1);
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.booth(), "booth-2"), "booth next after return")));
    assertStraight(FlowKit.state(city), "end");
  }

  @Test
  void transferToAnotherDeskOrToTheHeadOfAQueue() {
    List<String> n = inTheRoom(city, staff, 3);
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-1"), "next")));
    assertEquals(n.get(1), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-2"), "next")));

    expectError(FlowKit.transfer(city, staff.desk(), "desk-1", "desk-2"), 409, "STATION_BUSY", "to a busy desk");
    expectError(FlowKit.transfer(city, staff.desk(), "desk-1", "booth-1"), 409, "INVALID_TRANSITION", "desk to a booth");
    expectError(FlowKit.transfer(city, staff.desk(), "desk-1", "desk-1"), 409, "INVALID_TRANSITION", "to itself");
    expectError(FlowKit.transfer(city, staff.desk(), "desk-1", "desk-9"), 400, "INVALID_INPUT", "to a desk the site lacks");
    assertAt(city, n.get(0), "desk", "called", 0);

    // To another desk: it is called there, this desk is free.
    JsonObject moved = ok(FlowKit.transfer(city, staff.desk(), "desk-1", "desk-3"), "transfer to desk-3");
    assertEquals("idle", moved.getJsonObject("station").getString("state"));
    assertEquals("desk-3", moved.getJsonObject("ticket").getString("station"));
    assertEquals("called", moved.getJsonObject("ticket").getString("state"));
    assertEquals(n.get(0), FlowKit.station(city, staff.desk(), "desk-3").getString("ticket"));
    assertEquals("called", FlowKit.station(city, staff.desk(), "desk-3").getString("state"));
    assertEquals(null, FlowKit.station(city, staff.desk(), "desk-1").getString("ticket"));
    assertEquals(List.of("room:room", "desk:desk-1", "desk:desk-3"), callsOf(city, n.get(0)));
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "start"), 409, "INVALID_TRANSITION", "start at the desk it left");
    ok(FlowKit.act(city, staff.desk(), "desk-3", "start"), "start at desk-3");

    // To the vaccination queue: at its head, ahead of n1 who got there first.
    ok(FlowKit.act(city, staff.desk(), "desk-2", "done"), "done n1");
    JsonObject toVacc = ok(FlowKit.transfer(city, staff.desk(), "desk-3", "vaccination"), "transfer to vaccination");
    assertEquals("idle", toVacc.getJsonObject("station").getString("state"));
    assertAt(city, n.get(0), "vaccination", "waiting", 0);
    assertAt(city, n.get(1), "vaccination", "waiting", 1);
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.booth(), "booth-1"), "booth next")));

    // To the room queue: back at its head.
    assertEquals(n.get(2), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-2"), "next")));
    String n3 = inTheRoom(city, staff, 1).get(0);
    ok(FlowKit.transfer(city, staff.desk(), "desk-2", "room"), "transfer to room");
    assertAt(city, n.get(2), "room", "waiting", 0);
    assertAt(city, n3, "room", "waiting", 1);
    expectError(FlowKit.transfer(city, staff.desk(), "desk-2", "room"), 409, "INVALID_TRANSITION", "transfer with nothing held");
    assertStraight(FlowKit.state(city), "end");
  }

  @Test
  void pausedStationTakesNoTicketsUntilResumed() {
    List<String> n = inTheRoom(city, staff, 2);

    JsonObject paused = ok(FlowKit.act(city, staff.desk(), "desk-1", "pause"), "pause");
    assertEquals("paused", paused.getJsonObject("station").getString("state"));
    assertEquals("desk", paused.getJsonObject("station").getString("staffId"), "the reply names who paused it, as the station then does");
    assertEquals("paused", FlowKit.station(city, staff.desk(), "desk-1").getString("state"));
    assertEquals("desk", FlowKit.station(city, staff.desk(), "desk-1").getString("staffId"));
    expectError(FlowKit.next(city, staff.desk(), "desk-1"), 409, "INVALID_TRANSITION", "next while paused");
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "pause"), 409, "INVALID_TRANSITION", "pause twice");
    assertAt(city, n.get(0), "room", "waiting", 0);

    // Nobody can hand it a ticket either.
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-2"), "next")));
    expectError(FlowKit.transfer(city, staff.desk(), "desk-2", "desk-1"), 409, "STATION_BUSY", "transfer to a paused desk");

    ok(FlowKit.act(city, staff.desk(), "desk-1", "resume"), "resume");
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "resume"), 409, "INVALID_TRANSITION", "resume twice");
    assertEquals(n.get(1), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-1"), "next after resume")));
    expectError(FlowKit.next(city, staff.desk(), "desk-1"), 409, "STATION_BUSY", "next while busy");
    expectError(FlowKit.act(city, staff.desk(), "desk-1", "pause"), 409, "INVALID_TRANSITION", "pause while busy");
    assertStraight(FlowKit.state(city), "end");
  }

  @Test
  void doorScansOnlyTicketsCalledToTheRoom() {
    FlowKit.capacities(city, null, 2);
    String a = city.walkIn(SITE, "Door One", FlowKit.idNumber(8, 1)).getString("number");
    String b = city.walkIn(SITE, "Door Two", FlowKit.idNumber(8, 2)).getString("number");
    String c = city.walkIn(SITE, "Door Three", FlowKit.idNumber(8, 3)).getString("number");
    assertAt(city, a, "hall", "called", 0);
    assertAt(city, c, "hall", "waiting", 0);

    expectError(FlowKit.scan(city, staff.door(), c), 409, "NOT_CALLED", "a ticket still waiting in the hall");
    expectError(FlowKit.scan(city, staff.door(), "W999"), 404, "UNKNOWN_TICKET", "an unknown ticket");
    expectError(city.get(API + "/tickets/W999"), 404, "UNKNOWN_TICKET", "looking up an unknown ticket");
    ok(FlowKit.scan(city, staff.door(), a), "scan a");
    expectError(FlowKit.scan(city, staff.door(), a), 409, "NOT_CALLED", "a ticket already in the room");
    expectError(FlowKit.scan(city, staff.desk(), b), 403, "FORBIDDEN", "desk staff at the door");
    assertAt(city, c, "hall", "waiting", 0);

    // A patient at a desk keeps a room seat (a desk may give them back to the room); once the
    // desk is done with a, c is called in and can pass.
    ok(FlowKit.scan(city, staff.door(), b), "scan b");
    ok(FlowKit.next(city, staff.desk(), "desk-1"), "next");
    assertAt(city, c, "hall", "waiting", 0);
    ok(FlowKit.act(city, staff.desk(), "desk-1", "done"), "done");
    assertAt(city, c, "hall", "called", 0);
    ok(FlowKit.scan(city, staff.door(), c), "scan c");
    assertStraight(FlowKit.state(city), "end");
  }

  @Test
  void leaseReturnsASilentStationsTicketToTheHeadOfTheRoomQueue() {
    List<String> n = inTheRoom(city, staff, 2);
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-1"), "next")));

    // The tablet goes silent: the lease runs out and the ticket goes back where it came from.
    CLOCK.advance(Duration.ofSeconds(city.config.flow().leaseSec() - 1));
    FlowKit.sleep(200); // sweeps before the lease is up
    assertAt(city, n.get(0), "desk", "called", 0);
    CLOCK.advance(Duration.ofSeconds(2));
    FlowKit.await("the lease to return " + n.get(0), 10_000,
        () -> FlowKit.ticket(city, n.get(0)).getString("stage").equals("room"));
    assertAt(city, n.get(0), "room", "waiting", 0);
    assertAt(city, n.get(1), "room", "waiting", 1);
    JsonObject desk1 = FlowKit.station(city, staff.desk(), "desk-1");
    assertEquals("idle", desk1.getString("state"));
    assertEquals(null, desk1.getString("ticket"));
    Event expired = FlowKit.events(city, staff.manager()).stream()
        .filter(e -> e.type().equals("lease_expired")).findFirst().orElseThrow(() -> new AssertionError("no lease_expired event"));
    assertEquals(n.get(0), expired.number());
    assertEquals("desk-1", expired.station());
    assertEquals("desk/called", expired.from());
    assertEquals("room/waiting", expired.to());
    assertEquals("system", expired.by());
    assertStraight(FlowKit.state(city), "after the lease");
    assertEquals(n.get(0), ticketAt(ok(FlowKit.next(city, staff.desk(), "desk-2"), "next after the lease")));
  }

  @Test
  void arrivalTimeoutRecallsOnceThenNoShowAndTheSeatGoesToTheNext() {
    FlowKit.capacities(city, null, 2);
    String a = city.walkIn(SITE, "Arrive One", FlowKit.idNumber(9, 1)).getString("number");
    ok(FlowKit.scan(city, staff.door(), a), "scan a");
    String b = city.walkIn(SITE, "Arrive Two", FlowKit.idNumber(9, 2)).getString("number");
    String c = city.walkIn(SITE, "Arrive Three", FlowKit.idNumber(9, 3)).getString("number");
    assertAt(city, b, "hall", "called", 0);
    assertAt(city, c, "hall", "waiting", 0);

    // b never comes through the door: re-called once its arrival timeout is up, a no-show after another.
    Duration timeout = past(city.config.flow().arrivalTimeoutSec());
    CLOCK.advance(timeout);
    FlowKit.await(b + " to be re-called", 10_000, () -> callsOf(city, b).size() == 2);
    assertAt(city, b, "hall", "called", 0);
    CLOCK.advance(timeout);
    FlowKit.await(b + " to become a no-show", 10_000,
        () -> FlowKit.ticket(city, b).getString("state").equals("no-show"));
    assertEquals("hall", FlowKit.ticket(city, b).getString("stage"));
    assertEquals(List.of("room:room", "room:room"), callsOf(city, b), "called once, re-called once");

    List<Event> log = FlowKit.events(city, staff.manager());
    List<String> history = log.stream().filter(e -> e.number().equals(b)).map(Event::brief).toList();
    assertEquals(List.of("checkin", "call_room", "call:room", "call:room", "no_show"), history);
    Event noShow = log.stream().filter(e -> e.number().equals(b) && e.type().equals("no_show")).findFirst().orElseThrow();
    assertEquals("hall/called", noShow.from());
    assertEquals("hall/no_show", noShow.to());
    // Its seat in the room goes to c, called right after.
    Event cCalled = log.stream().filter(e -> e.number().equals(c) && e.type().equals("call_room")).findFirst()
        .orElseThrow(() -> new AssertionError(c + " was never called to the room: " + log));
    assertTrue(compareIds(noShow.id(), cCalled.id()) < 0, "c was called before b's seat was free");
    assertTrue(callsOf(city, c).contains("room:room"));
    ok(FlowKit.scan(city, staff.door(), c), "scan c");
    assertAt(city, a, "room", "waiting", 0);
    JsonObject counts = assertStraight(FlowKit.state(city), "after the no-show");
    assertEquals(1, counts.getInteger("noShow"));
    expectError(FlowKit.scan(city, staff.door(), b), 409, "NOT_CALLED", "scan a no-show");

    // Staff can reinstate it: back in the hall, ahead of later arrivals.
    JsonObject back = ok(FlowKit.reinstate(city, staff.door(), b), "reinstate b");
    assertEquals("hall", back.getJsonObject("ticket").getString("stage"));
    assertStraight(FlowKit.state(city), "after reinstating");
  }

  @Test
  void observationEndsWithACallToTheExit() {
    String n = inTheRoom(city, staff, 1).get(0);
    ok(FlowKit.next(city, staff.desk(), "desk-2"), "desk next");
    ok(FlowKit.act(city, staff.desk(), "desk-2", "start"), "desk start");
    ok(FlowKit.act(city, staff.desk(), "desk-2", "done"), "desk done");
    city.openVial(FlowKit.SITE, staff.booth(), "booth-4");
    ok(FlowKit.next(city, staff.booth(), "booth-4"), "booth next");
    ok(FlowKit.act(city, staff.booth(), "booth-4", "start"), "booth start");
    ok(FlowKit.act(city, staff.booth(), "booth-4", "done"), "booth done");
    assertEquals("observation", FlowKit.ticket(city, n).getString("stage"));

    CLOCK.advance(past(city.config.flow().observationSec()));
    FlowKit.await(n + " to be released", 10_000, () -> FlowKit.ticket(city, n).getString("stage").equals("released"));
    JsonObject t = FlowKit.ticket(city, n);
    assertEquals("done", t.getString("state"));
    assertEquals("exit", t.getJsonObject("lastCall").getJsonObject("to").getString("kind"));
    assertEquals(List.of("room:room", "desk:desk-2", "booth:booth-4", "exit:exit"), callsOf(city, n));
    List<String> tail = FlowKit.events(city, staff.manager()).stream().filter(e -> e.number().equals(n))
        .map(Event::brief).toList();
    assertEquals(List.of("done@booth-4", "shot@booth-4", "release", "call:exit"), tail.subList(tail.size() - 4, tail.size()));
    JsonObject c = assertStraight(FlowKit.state(city), "released");
    assertEquals(1, c.getInteger("released"));
    assertEquals(0, c.getInteger("observation"));
  }

  /**
   * CLOCK_RATE: the server clock runs 1,200 times faster, so 30 minutes of observation (the timers
   * compare with that clock) end within two real seconds (and the site, open till 17:00, closes
   * within 21); at the real pace the same ticket would still be in observation for half an hour.
   */
  @Test
  void observationFollowsTheClockRate() {
    try (TestCity city = TestCity.start(Map.of("CLOCK_RATE", "1200", "VAXFLOW_FLOW_OBSERVATIONSEC", "1800",
        "VAXFLOW_FLOW_TICKMS", "50", "VAXFLOW_FLOW_ARRIVALTIMEOUTSEC", "86400", "VAXFLOW_FLOW_LEASESEC", "86400"))) {
      SiteStaff staff = SiteStaff.signIn(city);
      String n = inTheRoom(city, staff, 1).get(0);
      ok(FlowKit.next(city, staff.desk(), "desk-2"), "desk next");
      ok(FlowKit.act(city, staff.desk(), "desk-2", "done"), "desk done");
      city.openVial(FlowKit.SITE, staff.booth(), "booth-4");
    ok(FlowKit.next(city, staff.booth(), "booth-4"), "booth next");
      ok(FlowKit.act(city, staff.booth(), "booth-4", "done"), "booth done");
      long real = System.nanoTime();
      Instant observed = Instant.parse(FlowKit.state(city).getString("at"));
      FlowKit.await(n + " released after 30 simulated minutes", 30_000,
          () -> FlowKit.ticket(city, n).getString("stage").equals("released"));
      Instant released = Instant.parse(FlowKit.state(city).getString("at"));
      assertTrue(Duration.between(observed, released).toMinutes() >= 29,
          "the server clock passed the 30 minutes: " + observed + " to " + released);
      assertTrue(System.nanoTime() - real < Duration.ofMinutes(5).toNanos(), "not at the real pace");
    }
  }
}
