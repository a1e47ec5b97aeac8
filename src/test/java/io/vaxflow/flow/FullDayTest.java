package io.vaxflow.flow;

import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static io.vaxflow.support.FlowKit.assertStraight;
import static io.vaxflow.support.FlowKit.compareIds;
import static io.vaxflow.support.FlowKit.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.FlowKit.Event;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A whole day at pudong over HTTP: 200 people (walk-ins, appointments, priority appointments)
 * from check-in to release, driven by door, desk and booth staff, with the books checked after
 * every step and every ticket's history and every queue's order checked against the event log.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // a bound, not a figure: the loop fails a stalled day itself
public class FullDayTest {

  private static final int PEOPLE = 200;
  private static final int HALL = 40;
  private static final int ROOM = 8;
  private static final List<String> DESKS = List.of("desk-1", "desk-2", "desk-3", "desk-4");
  private static final List<String> BOOTHS = List.of("booth-1", "booth-2", "booth-3", "booth-4", "booth-5", "booth-6");

  private record Patient(int i, String kind, String voucher) {}

  /** The settings the day runs with (short observation, fast ticks, our capacities). */
  public static final Map<String, String> SETTINGS = Map.of(
      "VAXFLOW_FLOW_OBSERVATIONSEC", "1",
      "VAXFLOW_FLOW_TICKMS", "50",
      "VAXFLOW_SITES_PUDONG_HALLCAPACITY", String.valueOf(HALL),
      "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", String.valueOf(ROOM),
      // a day of 200 shots at six booths: shots without a lot, no vials to open (StockDayTest runs booths on vials)
      "VAXFLOW_SITES_PUDONG_STOCK_REQUIRED", "false");

  @Test
  void twoHundredPeopleFromCheckInToRelease() {
    try (TestCity city = TestCity.start(SETTINGS)) {
      runDay(city);
    }
  }

  /** The whole day on a city started with {@link #SETTINGS} (any Redis deployment). */
  public static void runDay(TestCity city) {
    // The site as configured: 4 desks, 6 booths, our capacities.
    JsonObject first = FlowKit.state(city);
    Map<String, Integer> caps = new HashMap<>();
    for (Object o : first.getJsonArray("stages")) {
      JsonObject s = (JsonObject) o;
      if (s.containsKey("capacity")) caps.put(s.getString("stage"), s.getInteger("capacity"));
    }
    assertEquals(Map.of("hall", HALL, "room", ROOM, "desk", 4, "booth", 6), caps, first.encode());
    List<String> stationIds = new ArrayList<>();
    first.getJsonArray("stations").forEach(o -> stationIds.add(((JsonObject) o).getString("id")));
    List<String> expectedStations = new ArrayList<>(List.of("door-1"));
    expectedStations.addAll(DESKS);
    expectedStations.addAll(BOOTHS);
    assertEquals(expectedStations, stationIds);

    String door = city.login("door", "1357");
    String desk = city.login("desk", "1234");
    String booth = city.login("booth", "4321");
    String manager = city.login("manager", "2468");

    // 100 walk-ins, 70 appointments, 30 priority appointments, arriving in a shuffled order.
    List<Patient> people = new ArrayList<>();
    for (int i = 0; i < PEOPLE; i++) {
      String kind = i < 100 ? "W" : i < 170 ? "A" : "P";
      String voucher = null;
      if (!kind.equals("W")) {
        JsonObject b = city.book(SITE, FlowKit.name("Booked", i), FlowKit.idNumber(1, i), kind.equals("P") ? "elderly" : null);
        voucher = b.getString("voucher");
        assertNotNull(voucher);
      }
      people.add(new Patient(i, kind, voucher));
    }
    Collections.shuffle(people, new Random(20261124));
    Deque<Patient> arriving = new ArrayDeque<>(people);

    Map<String, Patient> issued = new LinkedHashMap<>();
    Map<String, String> stationState = new HashMap<>(); // station -> idle | called | serving
    DESKS.forEach(d -> stationState.put(d, "idle"));
    BOOTHS.forEach(b -> stationState.put(b, "idle"));
    Set<String> toScan = new LinkedHashSet<>();
    String[] lastCall = {null};
    int[] steps = {0};
    int maxOutside = 0;

    Runnable step = () -> {
      steps[0]++;
      assertStraight(FlowKit.state(city), "after step " + steps[0]);
    };

    // A morning rush: 90 people check in before anyone is served, so the hall fills and people wait outside.
    for (int k = 0; k < 90; k++) {
      checkIn(city, arriving.poll(), issued);
      step.run();
    }
    maxOutside = Math.max(maxOutside, FlowKit.state(city).getJsonObject("counts").getInteger("outside"));

    // a day that stops moving fails; a slow one (a loaded machine) only takes longer
    long stalledSince = System.currentTimeMillis();
    String lastCounts = "";
    while (true) {
      boolean progress = false;
      for (int k = 0; k < 2 && !arriving.isEmpty(); k++) {
        checkIn(city, arriving.poll(), issued);
        step.run();
        progress = true;
      }
      // The door follows the calls feed and scans whoever is called to the room.
      JsonArray calls = FlowKit.calls(city, lastCall[0]);
      for (Object o : calls) {
        JsonObject c = (JsonObject) o;
        lastCall[0] = c.getString("eventId");
        if (c.getJsonObject("to").getString("kind").equals("room")) toScan.add(c.getString("number"));
      }
      for (String n : List.copyOf(toScan)) {
        JsonObject t = ok(FlowKit.scan(city, door, n), "door scan " + n).getJsonObject("ticket");
        assertEquals("room", t.getString("stage"));
        toScan.remove(n);
        step.run();
        progress = true;
      }
      for (String st : stationState.keySet().stream().sorted().toList()) {
        String cookie = st.startsWith("desk") ? desk : booth;
        switch (stationState.get(st)) {
          case "idle" -> {
            Reply r = FlowKit.next(city, cookie, st);
            if (r.status() == 204) continue;
            JsonObject t = ok(r, st + " next").getJsonObject("ticket");
            assertEquals(st.startsWith("desk") ? "desk" : "booth", t.getString("stage"));
            assertEquals("called", t.getString("state"));
            assertEquals(st, t.getString("station"));
            stationState.put(st, "called");
          }
          case "called" -> {
            JsonObject t = ok(FlowKit.act(city, cookie, st, "start"), st + " start").getJsonObject("ticket");
            assertEquals("serving", t.getString("state"));
            stationState.put(st, "serving");
          }
          default -> {
            JsonObject t = ok(FlowKit.act(city, cookie, st, "done"), st + " done").getJsonObject("ticket");
            assertEquals(st.startsWith("desk") ? "vaccination" : "observation", t.getString("stage"));
            stationState.put(st, "idle");
          }
        }
        step.run();
        progress = true;
      }
      JsonObject s = FlowKit.state(city);
      JsonObject c = assertStraight(s, "after round");
      maxOutside = Math.max(maxOutside, c.getInteger("outside"));
      if (c.getInteger("released") == PEOPLE && arriving.isEmpty()) break;
      if (!c.encode().equals(lastCounts)) {
        lastCounts = c.encode();
        stalledSince = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - stalledSince > 30_000) {
        fail("the day stopped moving for 30 s; counts " + c);
      }
      if (!progress) FlowKit.sleep(25); // only observation timers left to run out
    }

    assertTrue(maxOutside > 0, "nobody ever waited outside; the test would not show the hall's overflow");
    assertEquals(PEOPLE, issued.size());
    JsonObject end = assertStraight(FlowKit.state(city), "at the end");
    assertEquals(PEOPLE, end.getInteger("issued"));
    assertEquals(PEOPLE, end.getInteger("released"));
    for (String n : issued.keySet()) {
      JsonObject t = FlowKit.ticket(city, n);
      assertEquals("released", t.getString("stage"), n);
      assertEquals("done", t.getString("state"), n);
      assertEquals("exit", t.getJsonObject("lastCall").getJsonObject("to").getString("kind"), n);
    }

    List<Event> log = FlowKit.events(city, manager);
    checkHistories(log, issued);
    checkQueueOrder(log);
  }

  /** 6 priority and 6 regular tickets in the room: one desk takes them P P A P P A P P A A A A. */
  @Test
  void priorityLaneTakesAtMostTwoInARowWhileRegularTicketsWait() {
    try (TestCity city = TestCity.start(Map.of("VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "12"))) {
      String door = city.login("door", "1357");
      String desk = city.login("desk", "1234");
      List<String> numbers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        JsonObject b = city.book(SITE, FlowKit.name("Queue", i), FlowKit.idNumber(2, i), i < 6 ? null : "pregnant");
        Reply r = city.post(API + "/checkins", new JsonObject().put("voucher", b.getString("voucher")));
        assertEquals(201, r.status(), r.body());
        numbers.add(r.json().getJsonObject("ticket").getString("number"));
      }
      assertEquals(List.of("A001", "A002", "A003", "A004", "A005", "A006", "P001", "P002", "P003", "P004", "P005", "P006"), numbers);
      for (String n : numbers) ok(FlowKit.scan(city, door, n), "scan " + n);
      JsonObject q = roomQueue(FlowKit.state(city));
      assertEquals(6, q.getInteger("priority"));
      assertEquals(6, q.getInteger("regular"));

      List<String> order = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        order.add(ok(FlowKit.next(city, desk, "desk-1"), "next").getJsonObject("ticket").getString("number"));
        ok(FlowKit.act(city, desk, "desk-1", "done"), "done");
      }
      assertEquals(204, FlowKit.next(city, desk, "desk-1").status());
      // The rule itself: never a third P in a row while an A is still waiting.
      int regularLeft = 6, run = 0;
      for (String n : order) {
        if (n.startsWith("P")) {
          run++;
          assertTrue(run <= 2 || regularLeft == 0, "three priority tickets in a row while regular ones wait: " + order);
        } else {
          run = 0;
          regularLeft--;
        }
      }
      // And priority goes first: exactly this order.
      assertEquals(List.of("P001", "P002", "A001", "P003", "P004", "A002", "P005", "P006", "A003", "A004", "A005", "A006"), order);
    }
  }

  private static JsonObject roomQueue(JsonObject state) {
    for (Object o : state.getJsonArray("queues")) {
      if (((JsonObject) o).getString("name").equals("room")) return (JsonObject) o;
    }
    throw new AssertionError("no room queue in " + state.encode());
  }

  private static void checkIn(TestCity city, Patient p, Map<String, Patient> issued) {
    JsonObject body = p.voucher() != null
        ? new JsonObject().put("voucher", p.voucher())
        : new JsonObject().put("walkIn", new JsonObject().put("name", FlowKit.name("Walker", p.i()))
            .put("idNumber", FlowKit.idNumber(1, p.i())).put("dose", 1));
    Reply r = city.post(API + "/checkins", body);
    assertEquals(201, r.status(), r.body());
    JsonObject t = r.json().getJsonObject("ticket");
    String n = t.getString("number");
    assertEquals(p.kind(), n.substring(0, 1), "category of " + n);
    assertTrue(n.matches("[APW][0-9]{3}"), n);
    assertTrue(List.of("outside", "hall").contains(t.getString("stage")), t.encode());
    assertTrue(issued.put(n, p) == null, "number issued twice: " + n);
  }

  /**
   * Each ticket's events, in stream order, are exactly the flow of one ticket with its calls:
   * checkin, (enter_hall + call to the hall when it waited outside), call_room + call to the room,
   * door_scan, station_call + call to the desk, start, done, station_call + call to the booth,
   * start, done, release + call to the exit; each transition starting where the previous one ended.
   */
  private static void checkHistories(List<Event> log, Map<String, Patient> issued) {
    for (int i = 1; i < log.size(); i++) {
      assertTrue(compareIds(log.get(i - 1).id(), log.get(i).id()) < 0,
          "event ids not increasing: " + log.get(i - 1).id() + " then " + log.get(i).id());
    }
    Map<String, List<Event>> byTicket = new LinkedHashMap<>();
    for (Event e : log) {
      if (!e.number().isEmpty()) byTicket.computeIfAbsent(e.number(), k -> new ArrayList<>()).add(e);
    }
    assertEquals(issued.keySet(), byTicket.keySet(), "tickets in the event log");
    int outsiders = 0;
    for (var entry : byTicket.entrySet()) {
      String n = entry.getKey();
      List<Event> h = entry.getValue();
      boolean outside = h.get(0).to().equals("outside/waiting");
      if (outside) outsiders++;
      String deskId = h.stream().filter(e -> e.type().equals("station_call") && e.station().startsWith("desk"))
          .map(Event::station).findFirst().orElse("desk-?");
      String boothId = h.stream().filter(e -> e.type().equals("station_call") && e.station().startsWith("booth"))
          .map(Event::station).findFirst().orElse("booth-?");
      List<String> expected = new ArrayList<>(List.of("checkin"));
      if (outside) expected.addAll(List.of("enter_hall", "call:hall"));
      expected.addAll(List.of("call_room", "call:room", "door_scan",
          "station_call@" + deskId, "call:" + deskId, "start@" + deskId, "done@" + deskId,
          "station_call@" + boothId, "call:" + boothId, "start@" + boothId, "done@" + boothId, "shot@" + boothId,
          "release", "call:exit"));
      assertEquals(expected, h.stream().map(Event::brief).toList(), "history of " + n);

      String at = "new/new";
      for (Event e : h) {
        if (e.type().equals("call")) {
          assertEquals(at.substring(0, at.indexOf('/')), e.detail("stage"), "stage of a call of " + n);
          continue;
        }
        if (e.type().equals("shot")) { // not a move: the shot the booth's done gave
          assertEquals("observation/waiting", at, "the shot of " + n + " after its booth's done");
          continue;
        }
        assertEquals(at, e.from(), n + " " + e.type() + " starts where it was");
        at = e.to();
      }
      assertEquals("released/done", at, n);
      List<String> path = h.stream().filter(e -> !e.type().equals("call") && !e.type().equals("shot")).map(Event::to).toList();
      List<String> expectedPath = new ArrayList<>(List.of(outside ? "outside/waiting" : "hall/waiting"));
      if (outside) expectedPath.add("hall/waiting");
      expectedPath.addAll(List.of("hall/called", "room/waiting", "desk/called", "desk/serving", "vaccination/waiting",
          "booth/called", "booth/serving", "observation/waiting", "released/done"));
      assertEquals(expectedPath, path, "stages of " + n);
      assertEquals(n.substring(0, 1), h.get(0).detail("category"), n);

      Map<String, String> by = new HashMap<>();
      h.forEach(e -> by.putIfAbsent(e.type(), e.by()));
      assertEquals("kiosk", by.get("checkin"), n);
      assertEquals("door", by.get("door_scan"), n);
      assertEquals("system", by.get("release"), n);
    }
    assertTrue(outsiders > 0, "no ticket ever waited outside");
  }

  /**
   * Replays the log through a model of the four queues (outside, hall, room, vaccination), each with
   * a priority and a regular lane: every ticket taken from a queue is the one the rule says (FIFO per
   * lane, priority first but at most two in a row while regular tickets wait), and in particular the
   * desks never took a third priority ticket in a row while a regular one waited in the room.
   */
  private static void checkQueueOrder(List<Event> log) {
    Map<String, Lanes> q = new HashMap<>();
    for (String name : List.of("outside", "hall", "room", "vaccination")) q.put(name, new Lanes(name));
    int priorityPicksPastRegulars = 0;
    for (Event e : log) {
      switch (e.type()) {
        case "checkin" -> q.get(e.to().equals("outside/waiting") ? "outside" : "hall").push(e.number());
        case "enter_hall" -> {
          q.get("outside").take(e.number(), e.id());
          q.get("hall").push(e.number());
        }
        case "call_room" -> q.get("hall").take(e.number(), e.id());
        case "door_scan" -> q.get("room").push(e.number());
        case "station_call" -> {
          Lanes from = q.get(e.from().equals("room/waiting") ? "room" : "vaccination");
          if (from.name.equals("room") && e.number().startsWith("P") && !from.regular.isEmpty()) {
            priorityPicksPastRegulars++;
          }
          from.take(e.number(), e.id());
        }
        case "done" -> {
          if (e.to().equals("vaccination/waiting")) q.get("vaccination").push(e.number());
        }
        case "call", "start", "release", "booking", "reminder", "shot" -> { }
        default -> fail("unexpected event in a plain day: " + e);
      }
    }
    q.values().forEach(l -> assertTrue(l.priority.isEmpty() && l.regular.isEmpty(), l.name + " not empty at the end"));
    assertTrue(priorityPicksPastRegulars > 0,
        "no desk ever chose a priority ticket while regular ones waited; the day did not exercise the priority lane");
  }

  /** The model of one queue. */
  private static final class Lanes {
    final String name;
    final Deque<String> priority = new ArrayDeque<>();
    final Deque<String> regular = new ArrayDeque<>();
    int streak;

    Lanes(String name) {
      this.name = name;
    }

    void push(String n) {
      (n.startsWith("P") ? priority : regular).addLast(n);
    }

    void take(String n, String eventId) {
      String expected;
      if (!priority.isEmpty() && (streak < 2 || regular.isEmpty())) {
        if (!n.startsWith("P") && !regular.isEmpty() && streak < 2) {
          fail(name + " queue: event " + eventId + " took " + n + " while " + priority.peekFirst() + " (priority) waited");
        }
        streak++;
        expected = priority.pollFirst();
      } else if (!regular.isEmpty()) {
        if (n.startsWith("P")) {
          fail(name + " queue: event " + eventId + " took " + n + ", a third priority ticket in a row, while "
              + regular.peekFirst() + " waited");
        }
        streak = 0;
        expected = regular.pollFirst();
      } else {
        fail(name + " queue: event " + eventId + " took " + n + " from an empty queue");
        return;
      }
      assertEquals(expected, n, name + " queue order at event " + eventId);
    }
  }
}
