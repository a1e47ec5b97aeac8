package io.vaxflow.flow;

import io.vaxflow.support.FlowKit;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.assertStraight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.FlowKit.Event;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 20 desks calling next at once over 1,000 tickets: each ticket is taken exactly once, none is lost. */
class ConcurrencyTest {

  private static final int TICKETS = 1000;
  private static final int DESKS = 20;

  @Test
  void twentyDesksTakeEveryTicketExactlyOnce() throws Exception {
    try (TestCity city = TestCity.start(Map.of(
        "VAXFLOW_SITES_PUDONG_DESKS", String.valueOf(DESKS),
        "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "2000",
        "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "2000"))) {
      String door = city.login("door", "1357");
      String desk = city.login("desk", "1234");
      String manager = city.login("manager", "2468");

      // 1,000 walk-ins at once.
      List<Future<HttpResponse<Buffer>>> checkins = new ArrayList<>();
      for (int i = 0; i < TICKETS; i++) {
        JsonObject walkIn = new JsonObject().put("name", FlowKit.name("Crowd", i))
            .put("idNumber", FlowKit.idNumber(3, i)).put("dose", 1);
        checkins.add(city.http.post(API + "/checkins").sendJsonObject(new JsonObject().put("walkIn", walkIn)));
      }
      Future.join(checkins).await();
      Set<String> issued = new HashSet<>();
      for (var f : checkins) {
        HttpResponse<Buffer> r = f.result();
        assertEquals(201, r.statusCode(), r.bodyAsString());
        JsonObject t = r.bodyAsJsonObject().getJsonObject("ticket");
        assertEquals("hall", t.getString("stage"));
        assertEquals("called", t.getString("state"), "the room has a seat for everyone: " + t);
        assertTrue(issued.add(t.getString("number")), "issued twice: " + t);
      }
      assertEquals(TICKETS, issued.size());

      // The door lets them all in, also at once.
      List<Future<HttpResponse<Buffer>>> scans = new ArrayList<>();
      for (String n : issued) {
        scans.add(city.http.post(API + "/door/scan").putHeader("Cookie", door)
            .putHeader("X-CSRF-Token", FlowKit.csrfToken(door))
            .sendJsonObject(new JsonObject().put("number", n)));
      }
      Future.join(scans).await();
      for (var f : scans) assertEquals(200, f.result().statusCode(), f.result().bodyAsString());
      JsonObject c = assertStraight(FlowKit.state(city), "all in the room");
      assertEquals(TICKETS, c.getInteger("room"));

      // 20 desks, one thread each, call next and done until the queue is empty.
      Map<String, List<String>> taken = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      CyclicBarrier together = new CyclicBarrier(DESKS);
      ExecutorService pool = Executors.newFixedThreadPool(DESKS);
      for (int d = 1; d <= DESKS; d++) {
        String st = "desk-" + d;
        pool.submit(() -> {
          List<String> mine = new ArrayList<>();
          taken.put(st, mine);
          try {
            together.await();
            while (true) {
              Reply r = FlowKit.next(city, desk, st);
              if (r.status() == 204) break;
              if (r.status() != 200) {
                problems.add(st + " next: " + r.status() + " " + r.body());
                break;
              }
              String n = r.json().getJsonObject("ticket").getString("number");
              mine.add(n);
              Reply done = FlowKit.act(city, desk, st, "done");
              if (done.status() != 200) {
                problems.add(st + " done " + n + ": " + done.status() + " " + done.body());
                break;
              }
            }
          } catch (Exception e) {
            problems.add(st + ": " + e);
          }
          return null;
        });
      }
      pool.shutdown();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "the desks did not finish");
      assertTrue(problems.isEmpty(), problems.toString());

      List<String> all = new ArrayList<>();
      taken.values().forEach(all::addAll);
      Set<String> distinct = new HashSet<>(all);
      assertEquals(TICKETS, all.size(), "tickets taken (with repeats)");
      assertEquals(TICKETS, distinct.size(), "distinct tickets taken");
      assertEquals(issued, distinct);
      int busyDesks = (int) taken.values().stream().filter(l -> !l.isEmpty()).count();
      assertTrue(busyDesks > 1, "only one desk ever got a ticket: the calls did not overlap");

      JsonObject end = FlowKit.state(city);
      c = assertStraight(end, "after the desks");
      assertEquals(TICKETS, c.getInteger("vaccination"));
      assertEquals(TICKETS, c.getInteger("issued"));
      assertEquals(0, c.getInteger("room") + c.getInteger("desk"));
      for (Object o : end.getJsonArray("queues")) {
        JsonObject q = (JsonObject) o;
        int expected = q.getString("name").equals("vaccination") ? TICKETS : 0;
        assertEquals(expected, q.getInteger("priority") + q.getInteger("regular"), q.encode());
      }
      for (Object o : end.getJsonArray("stations")) {
        JsonObject s = (JsonObject) o;
        assertEquals("idle", s.getString("state"), s.encode());
      }

      // The log agrees: one station_call and one done per ticket, each by the desk that took it.
      Map<String, String> takenBy = new HashMap<>();
      taken.forEach((st, l) -> l.forEach(n -> takenBy.put(n, st)));
      Map<String, Integer> stationCalls = new HashMap<>();
      Map<String, Integer> dones = new HashMap<>();
      for (Event e : FlowKit.events(city, manager)) {
        if (e.type().equals("station_call")) {
          stationCalls.merge(e.number(), 1, Integer::sum);
          assertEquals(takenBy.get(e.number()), e.station(), e.toString());
        } else if (e.type().equals("done")) {
          dones.merge(e.number(), 1, Integer::sum);
          assertEquals(takenBy.get(e.number()), e.station(), e.toString());
        }
      }
      assertEquals(issued, stationCalls.keySet());
      assertEquals(issued, dones.keySet());
      assertTrue(stationCalls.values().stream().allMatch(v -> v == 1), "a ticket called to a desk twice");
      assertTrue(dones.values().stream().allMatch(v -> v == 1), "a ticket done twice");
    }
  }
}
