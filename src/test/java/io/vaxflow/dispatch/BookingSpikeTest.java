package io.vaxflow.dispatch;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.TestCity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Booking opens at 8:00: 2,000 people book at once for a day with 1,000 seats, each with the code sent to their
 * phone. Each seat is taken exactly once (the booking script takes the slot's capacity atomically), and the city-wide
 * booking bucket shapes the spike: people wait their turn instead of getting errors.
 */
class BookingSpikeTest {

  private static final int PEOPLE = 2000;
  private static final int IN_FLIGHT = 200;
  private static final String DAY = "2026-11-25"; // tomorrow: every slot of the day is bookable

  /** xuhui: 08:00-18:00 in 60-minute slots of 100 people = 1,000 seats a day. */
  static Map<String, String> thousandSeatsAtXuhui() {
    return new HashMap<>(Map.of("VAXFLOW_SITES_XUHUI_HOURS_OPEN", "08:00", "VAXFLOW_SITES_XUHUI_HOURS_CLOSE", "18:00",
        "VAXFLOW_SITES_XUHUI_SLOTMIN", "60", "VAXFLOW_SITES_XUHUI_SLOTCAPACITY", "100"));
  }

  @Test
  void twoThousandBookingsForAThousandSeatsGiveExactlyAThousandAppointments() {
    Map<String, String> env = thousandSeatsAtXuhui();
    // the city-wide bucket is far below the spike: 2,000 requests at once against 300/s with a burst
    // of 100 — without a place in line most of them would be refused
    env.put("VAXFLOW_LIMITS_BOOKINGS_RATE", "300");
    env.put("VAXFLOW_LIMITS_BOOKINGS_BURST", "100");
    env.put("VAXFLOW_LIMITS_BOOKINGQUEUESEC", "60");
    try (TestCity city = TestCity.start(env)) {
      long started = System.nanoTime();
      // IN_FLIGHT requests in flight at all times until every person has been answered
      Answers answers = spike(city, DAY, PEOPLE, IN_FLIGHT);
      Map<Integer, Integer> statuses = answers.statuses();
      Map<String, Integer> errorCodes = answers.errorCodes();
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("booking spike: %d bookings, %d in flight, %.1f s, statuses %s, errors %s%n",
          PEOPLE, IN_FLIGHT, seconds, new TreeMap<>(statuses), errorCodes);

      assertEquals(1000, statuses.getOrDefault(201, 0), "201s: " + statuses + " " + errorCodes);
      assertEquals(1000, statuses.getOrDefault(409, 0), "409s: " + statuses + " " + errorCodes);
      assertEquals(Map.of("NO_CAPACITY/SLOTS", 1000), errorCodes); // the slots ran out first (xuhui has 1,200 doses)
      assertTrue(statuses.keySet().stream().allMatch(s -> s == 201 || s == 409), "only 201 and 409: " + statuses);

      // Redis: the day's slot counters sum to the seats, none above its capacity
      Response slots = city.redis(Command.HGETALL, "vf:{xuhui}:slots:" + DAY);
      int sum = 0;
      for (String slot : slots.getKeys()) {
        int n = slots.get(slot).toInteger();
        assertTrue(n <= 100, slot + " holds " + n);
        sum += n;
      }
      assertEquals(1000, sum, "slot counters " + slots);
      // every appointment belongs to a different person, and the city's claim of every person's dose names theirs
      Set<String> people = new HashSet<>();
      List<String> codes = new ArrayList<>(answers.codeOf().values());
      for (String code : codes) {
        Response a = city.redis(Command.HGET, "vf:{xuhui}:appt:" + code, "person");
        assertTrue(a != null, "appointment " + code + " is in Redis");
        assertTrue(people.add(a.toString()), a + " holds two appointments");
        assertEquals(code, city.redis(Command.HGET, "vf:{city}:dose:" + a + ":1", "appt").toString());
      }
      assertEquals(1000, people.size());
      assertEquals(1000L, (long) city.keys("vf:{xuhui}:appt:*").size(), "appointments in Redis");
      // the 1,000 refused hold no claim: they may book another day
      assertEquals(1000L, (long) city.keys("vf:{city}:dose:*").size(), "claims in Redis");
    }
  }

  /** What a spike was answered: each reply's status counted, each error's code (with its reason), each appointment by ID number. */
  record Answers(Map<Integer, Integer> statuses, Map<String, Integer> errorCodes, Map<String, String> codeOf) {
    Answers() {
      this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    void record(HttpResponse<Buffer> r, String id) {
      statuses.merge(r.statusCode(), 1, Integer::sum);
      JsonObject json = r.bodyAsJsonObject();
      if (r.statusCode() == 201) {
        if (codeOf.put(id, json.getString("appointmentId")) != null) throw new AssertionError(id + " booked twice");
      } else if (json != null && json.containsKey("error")) {
        JsonObject error = json.getJsonObject("error"); // a code with its reason: NO_CAPACITY/SLOTS
        errorCodes.merge(error.getString("code") + (error.containsKey("reason") ? "/" + error.getString("reason") : ""), 1, Integer::sum);
      }
    }
  }

  /**
   * {@code people} people book dose 1 at xuhui for {@code day} at once, {@code inFlight} requests in flight at all times
   * until every one has been answered.
   */
  static Answers spike(TestCity city, String day, int people, int inFlight) {
    AtomicInteger next = new AtomicInteger();
    Answers answers = new Answers();
    Future.all(java.util.stream.IntStream.range(0, inFlight)
        .mapToObj(i -> lane(city, day, people, next, answers)).toList()).await();
    return answers;
  }

  /** One lane of the load: books the next person until everyone has been answered. */
  private static Future<Void> lane(TestCity city, String day, int people, AtomicInteger next, Answers answers) {
    int i = next.getAndIncrement();
    if (i >= people) return Future.succeededFuture();
    String id = Ids.resident(33, i);
    JsonObject body = new JsonObject().put("name", "Spike Person").put("idNumber", id).put("phone", String.format("139%08d", i))
        .put("dose", 1).put("day", day).put("siteId", "xuhui");
    // the code to the phone (the demo city's reply shows it), then the booking with it: only this step waits its turn
    return city.http.post("/api/v1/bookings").putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer())
        .compose(sent -> sent.statusCode() != 202 ? Future.succeededFuture(sent)
            : city.http.post("/api/v1/bookings").putHeader("Content-Type", "application/json")
                .sendBuffer(body.copy().put("code", sent.bodyAsJsonObject().getString("demoCode")).toBuffer()))
        .compose(r -> {
          answers.record(r, id);
          return lane(city, day, people, next, answers);
        });
  }
}
