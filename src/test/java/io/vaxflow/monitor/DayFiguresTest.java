package io.vaxflow.monitor;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A day of 300 walk-ins at pudong on a simulated clock (the server runs on it: timers, observation
 * and the figures follow it): a morning peak, random walking and service times, desk-2 paused for
 * 40 minutes, a few no-shows at the booths. Twice — mid-morning with the lines long, and at the end
 * with desk-4 paused — the dashboard's figures ({@code GET /metrics}: wait percentiles per stage,
 * the head of each line, throughput per hour, station busy, paused and open time, served counts,
 * totals) must equal what this test computes on its own from the day's {@code events.csv}.
 */
class DayFiguresTest {

  private static final String API = "/api/v1/sites/pudong";
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  /** 08:00 in Shanghai: pudong opens. */
  private static final long OPENS = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
  private static final long MIN = 60_000;
  private static final int PEOPLE = 300;
  private static final long STEP = 15_000;

  /** What the test's staff do at one station. */
  private static final class Desk {
    final String id;
    final boolean booth;
    String state = "idle";
    long next;
    boolean noShow;

    Desk(String id) {
      this.id = id;
      this.booth = id.startsWith("booth-");
    }
  }

  @Test
  void theDashboardShowsWhatTheDaysEventsSay() {
    SimClock clock = new SimClock(OPENS);
    // a day's shots without vials to open (StockDayTest runs booths on vials)
    try (TestCity city = TestCity.startOn(clock, Map.of("VAXFLOW_FLOW_TICKMS", "20", "VAXFLOW_SITES_PUDONG_STOCK_REQUIRED", "false"))) {
      SiteStaff staff = SiteStaff.signIn(city);
      Random rnd = new Random(20261124);

      // arrivals over 90 minutes, most around 08:30 (a triangular curve)
      List<Long> arrivals = new ArrayList<>();
      for (int i = 0; i < PEOPLE; i++) {
        double u = rnd.nextDouble(), a = 0, b = 90, c = 30;
        double x = u < (c - a) / (b - a) ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
        arrivals.add(OPENS + (long) (x * MIN));
      }
      arrivals.sort(Long::compare);

      List<Desk> stations = new ArrayList<>();
      for (int i = 1; i <= 4; i++) stations.add(new Desk("desk-" + i));
      for (int i = 1; i <= 6; i++) stations.add(new Desk("booth-" + i));
      Deque<String> toScan = new ArrayDeque<>();
      int[] waiting = {0, 0}; // room queue, vaccination queue (as far as the test knows)
      int arrived = 0, vaccinatedOrGone = 0;
      boolean midChecked = false, desk2Paused = false, desk2Resumed = false;
      long t = OPENS;
      long pauseFrom = OPENS + 60 * MIN, pauseUntil = OPENS + 100 * MIN;
      for (int step = 0; step < 2_000 && vaccinatedOrGone < PEOPLE; step++, t += STEP) {
        clock.set(t);
        while (arrived < PEOPLE && arrivals.get(arrived) <= t) {
          toScan.add(city.walkIn("pudong", FlowKit.name("Day Patient", arrived), Ids.resident(41, arrived)).getString("number"));
          arrived++;
        }
        // the door lets in whoever was called to the room, in the order they were called
        while (!toScan.isEmpty()) {
          Reply r = city.post(API + "/door/scan", staff.door(), new JsonObject().put("number", toScan.peek()));
          if (r.status() != 200) break;
          toScan.poll();
          waiting[0]++;
        }
        for (Desk d : stations) {
          String cookie = d.booth ? staff.booth() : staff.desk();
          String base = API + "/stations/" + d.id;
          switch (d.state) {
            case "called" -> {
              if (t < d.next) break;
              if (d.noShow) {
                ok(city.post(base + "/no-show", cookie, null), d.id + " no_show");
                d.state = "idle";
                vaccinatedOrGone++;
              } else {
                ok(city.post(base + "/start", cookie, null), d.id + " start");
                d.state = "serving";
                d.next = t + (d.booth ? 120_000 + rnd.nextInt(300_000) : 60_000 + rnd.nextInt(120_000));
              }
            }
            case "serving" -> {
              if (t < d.next) break;
              ok(city.post(base + "/done", cookie, null), d.id + " done");
              d.state = "idle";
              if (d.booth) vaccinatedOrGone++;
              else waiting[1]++;
            }
            case "paused" -> {
              if (d.id.equals("desk-2") && t >= pauseUntil) {
                ok(city.post(base + "/resume", staff.manager(), null), "resume desk-2");
                d.state = "idle";
                desk2Resumed = true;
              }
            }
            default -> { }
          }
          if (d.state.equals("idle") && d.id.equals("desk-2") && !desk2Paused && t >= pauseFrom) {
            ok(city.post(base + "/pause", staff.manager(), null), "pause desk-2");
            d.state = "paused";
            desk2Paused = true;
          }
          int q = d.booth ? 1 : 0;
          if (d.state.equals("idle") && waiting[q] > 0) {
            Reply r = city.post(base + "/next", cookie, null);
            ok(r, d.id + " next");
            if (r.json().getValue("ticket") == null) {
              waiting[q] = 0;
            } else {
              waiting[q]--;
              d.state = "called";
              d.next = t + rnd.nextInt(45_000);
              d.noShow = d.booth && rnd.nextInt(40) == 0;
            }
          }
        }
        if (!midChecked && t >= OPENS + 75 * MIN) {
          midChecked = true;
          JsonObject m = settledFigures(city, staff.manager());
          assertTrue(m.getJsonObject("counts").getInteger("hall") > 20, "a long line at the check: " + m.getJsonObject("counts"));
          assertEquals("paused", station(m, "desk-2").getString("state"));
          assertTrue(m.getJsonObject("waits").getJsonObject("headOfLine").getDouble("hall") > 10, "the head of the hall's line waits");
          assertFigures(m, events(city, staff.manager()));
        }
      }
      assertEquals(PEOPLE, vaccinatedOrGone, "the day was played to its end");
      assertTrue(desk2Paused && desk2Resumed && midChecked);

      // the last observations end; then desk-4 goes on a break that lasts past the check
      t += 31 * MIN;
      clock.set(t);
      awaitReleased(city, staff.manager());
      ok(city.post(API + "/stations/desk-4/pause", staff.manager(), null), "pause desk-4");
      clock.set(t + 7 * MIN + 1_234);
      JsonObject m = settledFigures(city, staff.manager());
      assertEquals(PEOPLE, m.getJsonObject("totals").getInteger("checkins"));
      assertFigures(m, events(city, staff.manager()));
      System.out.println("DayFiguresTest: waits " + m.getJsonObject("waits").encode() + "; totals " + m.getJsonObject("totals").encode());
    }
  }

  // ---- the figures from the events, computed here ----

  record Ev(long at, String type, String number, String from, String to, String station, Map<String, String> details) {}

  private static void assertFigures(JsonObject m, List<Ev> events) {
    long now = OffsetDateTime.parse(m.getString("at")).toInstant().toEpochMilli();
    Map<String, Long> checkedIn = new HashMap<>();
    Map<String, Long> deskDone = new HashMap<>();
    Set<String> toDeskSeen = new HashSet<>(), toBoothSeen = new HashSet<>();
    List<Long> toDesk = new ArrayList<>(), toBooth = new ArrayList<>();
    Map<Integer, int[]> hours = new TreeMap<>(); // checkins, vaccinated, released, noShows
    Map<String, long[]> st = new HashMap<>(); // busy ms, paused ms, take at (-1), pause at (-1), served, no-shows
    Map<String, String> where = new HashMap<>();
    int doorScans = 0, noShowsMarked = 0;
    long first = events.isEmpty() ? OPENS : events.get(0).at();
    for (Ev e : events) {
      int h = e.type().equals("checkin") || e.type().equals("done") || e.type().equals("release") || e.type().equals("no_show")
          ? Instant.ofEpochMilli(e.at()).atZone(ZONE).getHour() : -1;
      if (!e.to().isEmpty()) where.put(e.number(), e.to());
      switch (e.type()) {
        case "checkin" -> {
          checkedIn.putIfAbsent(e.number(), e.at());
          hours.computeIfAbsent(h, k -> new int[4])[0]++;
        }
        case "station_call" -> {
          take(st, e.station(), e.at());
          if (e.station().startsWith("desk-") && toDeskSeen.add(e.number())) toDesk.add(e.at() - checkedIn.get(e.number()));
          if (e.station().startsWith("booth-") && toBoothSeen.add(e.number()) && deskDone.containsKey(e.number())) {
            toBooth.add(e.at() - deskDone.get(e.number()));
          }
        }
        case "done" -> {
          free(st, e.station(), e.at());
          st.get(e.station())[4]++;
          if (e.station().startsWith("desk-")) deskDone.putIfAbsent(e.number(), e.at());
          else hours.computeIfAbsent(h, k -> new int[4])[1]++;
        }
        case "release" -> hours.computeIfAbsent(h, k -> new int[4])[2]++;
        case "no_show" -> {
          noShowsMarked++;
          hours.computeIfAbsent(h, k -> new int[4])[3]++;
          if (!e.station().isEmpty()) {
            free(st, e.station(), e.at());
            st.get(e.station())[5]++;
          }
        }
        case "return", "lease_expired" -> free(st, e.station(), e.at());
        case "transfer" -> {
          free(st, e.station(), e.at());
          String target = e.details().getOrDefault("target", "");
          if (target.contains("-")) take(st, target, e.at());
        }
        case "station" -> {
          long[] s = st.computeIfAbsent(e.station(), k -> fresh());
          if (e.to().equals("paused")) s[3] = e.at();
          else if (e.from().equals("paused") && s[3] >= 0) {
            s[1] += e.at() - s[3];
            s[3] = -1;
          }
        }
        case "door_scan" -> doorScans++;
        default -> { }
      }
    }

    // waits: percentiles of the ended ones, and the head of each line now
    JsonObject waits = m.getJsonObject("waits");
    assertPercentiles(toDesk, waits.getJsonObject("checkinToDesk"), "check-in to desk");
    assertPercentiles(toBooth, waits.getJsonObject("deskToBooth"), "desk to booth");
    assertTrue(toDesk.size() > 50 && toBooth.size() > 50, "enough waits ended: " + toDesk.size() + ", " + toBooth.size());
    Map<String, Long> heads = new HashMap<>();
    where.forEach((number, to) -> {
      String queue = switch (to) {
        case "outside/waiting" -> "outside";
        case "hall/waiting" -> "hall";
        case "room/waiting" -> "room";
        case "vaccination/waiting" -> "vaccination";
        default -> null;
      };
      if (queue == null) return;
      long since = queue.equals("vaccination") ? deskDone.get(number) : checkedIn.get(number);
      heads.merge(queue, now - since, Math::max);
    });
    JsonObject head = waits.getJsonObject("headOfLine");
    for (String q : List.of("outside", "hall", "room", "vaccination")) {
      assertEquals(heads.containsKey(q) ? minutes(heads.get(q)) : null, head.getDouble(q), "head of the " + q + " line");
    }
    Long toDeskHead = List.of("outside", "hall", "room").stream().map(heads::get).filter(x -> x != null).max(Long::compare).orElse(null);
    assertEquals(toDeskHead == null ? null : minutes(toDeskHead), waits.getJsonObject("checkinToDesk").getDouble("headMin"));

    // throughput per local hour
    JsonArray rows = m.getJsonArray("throughput");
    int covered = 0;
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      int[] want = hours.getOrDefault(r.getInteger("hour"), new int[4]);
      if (hours.containsKey(r.getInteger("hour"))) covered++;
      assertEquals(want[0], r.getInteger("checkins"), "check-ins at " + r.getString("label"));
      assertEquals(want[1], r.getInteger("vaccinated"), "vaccinated at " + r.getString("label"));
      assertEquals(want[2], r.getInteger("released"), "released at " + r.getString("label"));
      assertEquals(want[3], r.getInteger("noShows"), "no-shows at " + r.getString("label"));
    }
    assertEquals(hours.size(), covered, "every hour with events is shown: " + hours.keySet());
    JsonObject totals = m.getJsonObject("totals");
    assertEquals(hours.values().stream().mapToInt(a -> a[0]).sum(), totals.getInteger("checkins"));
    assertEquals(hours.values().stream().mapToInt(a -> a[1]).sum(), totals.getInteger("vaccinated"));
    assertEquals(hours.values().stream().mapToInt(a -> a[2]).sum(), totals.getInteger("released"));
    assertEquals(noShowsMarked, totals.getInteger("noShowsMarked"));
    assertEquals(doorScans, totals.getInteger("doorScans"));

    // stations: busy, paused and open minutes, the busy share, served and no-shows
    long windowStart = Math.min(OPENS, first);
    for (Object o : m.getJsonArray("stations")) {
      JsonObject s = (JsonObject) o;
      String id = s.getString("id");
      long[] a = st.getOrDefault(id, fresh());
      long busy = a[0] + (a[2] >= 0 ? now - a[2] : 0);
      long paused = a[1] + (a[3] >= 0 ? now - a[3] : 0);
      double busyMin = minutes(busy), openMin = minutes(Math.max(0, now - windowStart - paused));
      assertEquals(busyMin, s.getDouble("busyMin"), id + " busy: " + s.encode());
      assertEquals(minutes(paused), s.getDouble("pausedMin"), id + " paused: " + s.encode());
      assertEquals(openMin, s.getDouble("openMin"), id + " open: " + s.encode());
      assertEquals(Math.round(Math.min(1.0, busyMin / openMin) * 1000) / 1000.0, s.getDouble("utilisation"), id + ": " + s.encode());
      assertEquals(id.startsWith("door-") ? doorScans : (int) a[4], s.getInteger("served"), id + " served");
      assertEquals((int) a[5], s.getInteger("noShows"), id + " no-shows");
    }
    assertTrue(st.get("desk-2")[1] >= 30 * MIN || st.get("desk-2")[3] >= 0, "desk-2 was paused");
  }

  private static long[] fresh() {
    return new long[] {0, 0, -1, -1, 0, 0};
  }

  private static void take(Map<String, long[]> st, String station, long at) {
    long[] s = st.computeIfAbsent(station, k -> fresh());
    if (s[2] < 0) s[2] = at;
  }

  private static void free(Map<String, long[]> st, String station, long at) {
    long[] s = st.computeIfAbsent(station, k -> fresh());
    if (s[2] >= 0) s[0] += at - s[2];
    s[2] = -1;
  }

  /** Nearest-rank percentiles of the waits, in minutes to one decimal, as the dashboard shows them. */
  private static void assertPercentiles(List<Long> waits, JsonObject shown, String what) {
    long[] sorted = waits.stream().mapToLong(Long::longValue).sorted().toArray();
    assertEquals(sorted.length, shown.getInteger("samples"), what + " samples");
    assertEquals(minutes(sorted[rank(sorted.length, 50)]), shown.getDouble("p50Min"), what + " p50: " + shown);
    assertEquals(minutes(sorted[rank(sorted.length, 90)]), shown.getDouble("p90Min"), what + " p90: " + shown);
    assertEquals(minutes(sorted[sorted.length - 1]), shown.getDouble("maxMin"), what + " max: " + shown);
  }

  private static int rank(int n, int p) {
    return Math.max(0, Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1));
  }

  private static double minutes(long ms) {
    return Math.round(ms / 6_000.0) / 10.0;
  }

  // ---- reading the server ----

  /** The figures once the server's timer sweep has caught up with the clock (it stands still meanwhile). */
  private static JsonObject settledFigures(TestCity city, String manager) {
    sleep(300);
    Reply r = city.get(API + "/metrics", manager);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static void awaitReleased(TestCity city, String manager) {
    for (int i = 0; i < 200; i++) {
      JsonObject c = city.get(API + "/state").json().getJsonObject("counts");
      if (c.getInteger("observation") == 0) return;
      sleep(50);
    }
    fail("observation did not end");
  }

  /** The day's events.csv (FlowKit reads it), the times as epoch ms. */
  private static List<Ev> events(TestCity city, String manager) {
    return FlowKit.events(city, manager).stream().map(e -> new Ev(OffsetDateTime.parse(e.at()).toInstant().toEpochMilli(),
        e.type(), e.number(), e.from(), e.to(), e.station(), e.details())).toList();
  }

  private static JsonObject station(JsonObject metrics, String id) {
    return metrics.getJsonArray("stations").stream().map(JsonObject.class::cast)
        .filter(s -> id.equals(s.getString("id"))).findFirst().orElseThrow(() -> new AssertionError("no station " + id));
  }

  private static void ok(Reply r, String what) {
    if (r.status() != 200) fail(what + ": " + r.status() + " " + r.body());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
