package io.vaxflow.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.notify.Receiver;
import io.vaxflow.support.FlowKit;
import io.vaxflow.support.Ids;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, the simulated day: three sites run the same morning side by side (08:00-12:00, two desks, two booths, 80
 * people booked in 30-minute slots of 10 from 08:00 to 11:30, well below the stock; one in ten never comes; the
 * vaccinators open a vial of the 10-dose mRNA vaccine whenever a patient is at the booth and none is open). jingan
 * has the last-hour policy (no new vial from 11:00 unless 3 wait beyond the doses open, the standby list counting) and
 * a standby list of 12 people, invited by webhook (they come 10 minutes later); pudong the policy alone; xuhui neither.
 * The day is driven over HTTP minute by minute on a simulated clock; after every minute in which a dose moved, each
 * site's doses given + wasted + left equal its stock; at the end every shot is recorded with its lot, the open vials run
 * out their time (their doses wasted), the dashboard's figures agree, and the three days' waste is printed side by side.
 */
class WasteDayTest {

  private static final String SECRET = "waste-day-receiver-secret-0123456789";
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final Instant START = Instant.parse("2026-11-23T23:40:00Z"); // 07:40 on the 24th
  private static final int BOOKED = 80;
  private static final int STANDBY = 12;
  private static final int TRAVEL_MIN = 10;

  /** One station as the test's staff member works it. */
  private static final class Station {
    final String id;
    boolean busy, vial, stopped;
    int doneAt, retryAt;

    Station(String id) {
      this.id = id;
    }
  }

  /** One site's day: its people, its staff, its figures. */
  private final class Day {
    final String site, lot;
    final Map<Integer, List<String>> arrivals = new HashMap<>(); // minute of the day -> vouchers
    final Set<String> invitations = new HashSet<>(); // the standby invitations' vouchers
    final List<Station> desks = List.of(new Station("desk-1"), new Station("desk-2"));
    final List<Station> booths = List.of(new Station("booth-1"), new Station("booth-2"));
    int deskQueue, boothQueue, vaccinated, opened, refusedOpen, standbyIn, standbyGone, standbyLate, stock;
    /** Whether a dose moved (a vial opened, a shot given) since the stock was last balanced. */
    boolean stockMoved;
    /** The service times: the same sequence at every site (until their policies make them differ). */
    final Random service = new Random(61);

    Day(String site, String lot) {
      this.site = site;
      this.lot = lot;
    }

    String api() {
      return "/api/v1/sites/" + site;
    }

    void arrive(int minute) {
      for (String voucher : arrivals.getOrDefault(minute, List.of())) {
        boolean standby = invitations.contains(voucher);
        Reply r = city.post(api() + "/checkins", new JsonObject().put("voucher", voucher));
        if (standby && r.status() == 409 && "STANDBY_GONE".equals(r.errorCode())) {
          standbyGone++;
          continue;
        }
        if (standby && r.status() == 409 && "SITE_CLOSED".equals(r.errorCode())) {
          standbyLate++;
          continue;
        }
        assertEquals(201, r.status(), site + " check-in: " + r.body());
        JsonObject t = r.json().getJsonObject("ticket");
        assertEquals("called", t.getString("state"), "the room has seats: " + t);
        FlowKit.ok(city.post(api() + "/door/scan", door, new JsonObject().put("number", t.getString("number"))), "scan");
        if (standby) standbyIn++;
        deskQueue++;
      }
    }

    void desks(int minute) {
      for (Station d : desks) {
        if (d.busy && minute >= d.doneAt) {
          FlowKit.ok(act(desk, d, "done"), site + " desk done");
          d.busy = false;
          boothQueue++;
        }
        if (!d.busy && deskQueue > 0) {
          FlowKit.ok(act(desk, d, "next"), site + " desk next");
          FlowKit.ok(act(desk, d, "start"), site + " desk start");
          d.busy = true;
          d.doneAt = minute + 2 + service.nextInt(3);
          deskQueue--;
        }
      }
    }

    void booths(int minute) {
      for (Station b : booths) {
        if (b.busy && minute >= b.doneAt) {
          Reply done = act(booth, b, "done");
          if (done.status() == 409 && List.of("NO_OPEN_VIAL", "VIAL_EXPIRED").contains(done.errorCode())) {
            Reply open = openVial(b);
            if (open.status() == 409 && "STOP_OPENING".equals(open.errorCode())) {
              FlowKit.ok(act(booth, b, "return"), site + " the patient back to the queue");
              b.busy = false;
              b.stopped = true;
              b.retryAt = minute + 5;
              boothQueue++;
              continue;
            }
            assertEquals(200, open.status(), site + " vial: " + open.body());
            done = act(booth, b, "done");
          }
          assertEquals(200, done.status(), site + " booth done: " + done.body());
          vaccinated++;
          stockMoved = true;
          b.vial = done.json().getJsonObject("shot").getInteger("dosesLeft", 0) > 0;
          b.busy = false;
        }
        if (!b.busy && boothQueue > 0) {
          if (b.stopped && !b.vial) { // a vaccinator told to stop opening vials tries again now and then
            if (minute < b.retryAt) continue;
            if (openVial(b).status() != 200) {
              b.retryAt = minute + 5;
              continue;
            }
            b.stopped = false;
          }
          Reply next = act(booth, b, "next");
          if (next.status() != 200) continue;
          FlowKit.ok(act(booth, b, "start"), site + " booth start");
          b.busy = true;
          b.doneAt = minute + 3 + service.nextInt(3);
          boothQueue--;
        }
      }
    }

    Reply openVial(Station b) {
      Reply r = city.post(api() + "/stations/" + b.id + "/vial", booth, new JsonObject().put("lot", lot));
      if (r.status() == 200) {
        opened++;
        stockMoved = true;
        b.vial = true;
      } else if ("STOP_OPENING".equals(r.errorCode())) {
        refusedOpen++;
      }
      return r;
    }

    Reply act(String cookie, Station s, String action) {
      return city.post(api() + "/stations/" + s.id + "/" + action, cookie, new JsonObject());
    }

    /** Doses given, wasted and left (sealed and in open vials) over the site's lots now. */
    int[] doses() {
      int given = 0, wasted = 0, left = 0;
      for (Object o : city.get(api() + "/stock", manager).json().getJsonArray("lots")) {
        JsonObject l = (JsonObject) o;
        given += l.getInteger("given");
        wasted += l.getInteger("wasted");
        left += l.getInteger("dosesLeft");
      }
      return new int[] {given, wasted, left};
    }

    /** Given + wasted + left = the stock (looked at whenever a dose moved: nothing else changes them by day). */
    void balanced(String when) {
      stockMoved = false;
      int[] d = doses();
      assertEquals(stock, d[0] + d[1] + d[2], site + " at " + when + ": given " + d[0] + " + wasted " + d[1] + " + left " + d[2]);
    }

    int sentHome() {
      int inside = deskQueue + boothQueue;
      for (Station s : desks) if (s.busy) inside++;
      for (Station s : booths) if (s.busy) inside++;
      return inside;
    }
  }

  private final Random random = new Random(16);

  /** A counter of the site's day of doses (lib/stock.lua), "0" when absent. */
  private String stockCounter(String site, String field) {
    Object v = city.redis(Command.HGET, "vf:{" + site + "}:stock:" + TestCity.TODAY, field);
    return v == null ? "0" : v.toString();
  }
  private TestCity city;
  private String door, desk, booth, manager;

  @Test
  void theLastHourPolicyAndTheStandbyListAgainstTheSameDayWithout() {
    Receiver sms = Receiver.start(SECRET);
    SimClock clock = new SimClock(START.toEpochMilli());
    Map<String, String> env = new HashMap<>(sms.webhook(0, "sms", "/sms", "standby"));
    env.putAll(Map.of("VAXFLOW_FLOW_TICKMS", "10",
        "VAXFLOW_STANDBY_LATEMIN", "20", "VAXFLOW_SITES_JINGAN_LASTHOUR_STOPOPENINGAT", "11:00",
        "VAXFLOW_SITES_JINGAN_LASTHOUR_MINWAITINGTOOPEN", "3", "VAXFLOW_SITES_PUDONG_LASTHOUR_STOPOPENINGAT", "11:00",
        "VAXFLOW_SITES_PUDONG_LASTHOUR_MINWAITINGTOOPEN", "3"));
    for (String s : List.of("JINGAN", "PUDONG", "XUHUI")) {
      env.putAll(Map.of("VAXFLOW_SITES_" + s + "_HOURS_OPEN", "08:00", "VAXFLOW_SITES_" + s + "_HOURS_CLOSE", "12:00",
          "VAXFLOW_SITES_" + s + "_SLOTCAPACITY", "10", "VAXFLOW_SITES_" + s + "_DESKS", "2", "VAXFLOW_SITES_" + s + "_BOOTHS", "2",
          "VAXFLOW_SITES_" + s + "_ROOMCAPACITY", "100", "VAXFLOW_SITES_" + s + "_HALLCAPACITY", "200",
          "VAXFLOW_SITES_" + s + "_STOCK_DEMOLOTS_0_VIALS", "100", "VAXFLOW_SITES_" + s + "_STOCK_DEMOLOTS_1_VIALS", "20"));
    }
    try (TestCity c = TestCity.startOn(clock, env)) {
      city = c;
      door = city.login("door", "1357");
      desk = city.login("desk", "1234");
      booth = city.login("booth", "4321");
      manager = city.login("manager", "2468");
      Day with = new Day("jingan", "JA-MR2611B"), stopOnly = new Day("pudong", "PD-MR2611B"), without = new Day("xuhui", "XH-MR2611B");
      List<Day> days = List.of(with, stopOnly, without);
      for (Day d : days) {
        d.stock = d.doses()[2];
        assertEquals(400, d.stock, d.site + ": 100 vials of 2 doses and 20 of 10");
      }
      // the same people book both sites (their twins: other ID numbers), the same minutes of arrival, the same no-shows
      for (int i = 0; i < BOOKED; i++) {
        int late = -10 + random.nextInt(31);
        for (Day d : days) {
          JsonObject b = new JsonObject().put("name", FlowKit.name("Day", i)).put("idNumber", Ids.resident(71 + days.indexOf(d), i))
              .put("phone", String.format("13%d%08d", 7 + days.indexOf(d), i)).put("dose", 1).put("day", TestCity.TODAY)
              .put("siteId", d.site);
          Reply r = city.booking(b);
          assertEquals(201, r.status(), r.body());
          if (i % 10 == 9) continue; // one in ten never comes
          int slot = LocalTime.parse(r.json().getString("slot")).toSecondOfDay() / 60;
          d.arrivals.computeIfAbsent(Math.max(8 * 60, slot + late), k -> new ArrayList<>()).add(r.json().getString("voucher"));
        }
      }
      for (int i = 0; i < STANDBY; i++) {
        Reply r = city.withCode("/api/v1/standby", new JsonObject().put("name", FlowKit.name("Standby", i))
            .put("phone", String.format("1360000%04d", i)).put("community", i % 2 == 0 ? "Jing'an Temple" : "West Nanjing Road")
            .put("dose", 1));
        assertEquals(201, r.status(), r.body());
        assertEquals("jingan", r.json().getString("siteId"));
      }

      Set<String> invited = new HashSet<>();
      for (int step = 0; step < 320; step++) { // 07:40 to 13:00
        clock.advance(Duration.ofMinutes(1));
        int minute = LocalTime.ofInstant(clock.instant(), ZONE).toSecondOfDay() / 60;
        // the last hour: the sweep (every 10 ms) looks for spare doses each minute, and its invitations are delivered
        if (minute >= 10 * 60 + 45 && minute <= 12 * 60 + 30) {
          FlowKit.sleep(30);
          FlowKit.await("the invitations delivered", 5_000, () -> sms.delivered().stream().filter(g -> "standby".equals(g.event()))
              .count() >= Long.parseLong(stockCounter("jingan", "standbyInvited")));
        }
        for (Receiver.Got g : sms.delivered()) {
          JsonObject e = g.json();
          if ("standby".equals(g.event()) && invited.add(e.getString("appointment"))) {
            with.invitations.add(e.getString("voucher"));
            with.arrivals.computeIfAbsent(minute + TRAVEL_MIN, k -> new ArrayList<>()).add(e.getString("voucher"));
          }
        }
        for (Day d : days) {
          d.arrive(minute);
          d.desks(minute);
          d.booths(minute);
          if (d.stockMoved) d.balanced(LocalTime.ofInstant(clock.instant(), ZONE).toString());
        }
      }
      // the evening: the vials left open run out their time (360 min after opening) and the sweep counts their doses wasted
      clock.advance(Duration.ofHours(7));
      for (Day d : days) {
        FlowKit.await(d.site + "'s open vials discarded", 10_000,
            () -> city.get(d.api() + "/stock", manager).json().getJsonArray("openVials").isEmpty());
        d.balanced("the evening");
      }

      Map<String, String> figures = new TreeMap<>();
      for (Day d : days) {
        int[] doses = d.doses();
        assertEquals(d.vaccinated, doses[0], d.site + ": every dose given is a shot the booths gave");
        List<String> shots = city.keys("vf:{" + d.site + "}:shot:*");
        assertEquals(doses[0], shots.size(), d.site + ": every shot recorded");
        for (String shot : shots) {
          assertEquals(d.lot, city.redis(Command.HGET, shot, "lot").toString(), shot + " recorded with its lot");
        }
        // the dashboard's figures say the same (GET /metrics, its doses panel)
        JsonObject panel = city.get(d.api() + "/metrics", manager).json().getJsonObject("doses");
        assertEquals(doses[0], panel.getInteger("given"), d.site + " dashboard: " + panel);
        assertEquals(doses[1], panel.getInteger("wasted"), d.site + " dashboard: " + panel);
        assertEquals(doses[0], panel.getJsonArray("byHour").stream().mapToInt(h -> ((JsonObject) h).getInteger("given")).sum());
        assertEquals(d == with ? invited.size() : 0, panel.getJsonObject("standby").getInteger("invited"));
        assertEquals(d.standbyIn, panel.getJsonObject("standby").getInteger("accepted"));
        figures.put(d.site, String.format("given %d, wasted %d (%.1f%% of the doses of the vials opened), vials opened %d, "
                + "people not vaccinated %d, stop-opening refusals %d, standby invited %d / came %d / told gone %d / too late %d",
            doses[0], doses[1], 100.0 * doses[1] / Math.max(1, doses[0] + doses[1]), d.opened, d.sentHome(), d.refusedOpen,
            d == with ? invited.size() : 0, d.standbyIn, d.standbyGone, d.standbyLate));
      }
      System.out.println("simulated day, 08:00-12:00, " + BOOKED + " booked (10% no-shows), 10-dose vials, 2 booths a site:");
      System.out.println("  WITHOUT stop-opening and standby (xuhui): " + figures.get("xuhui"));
      System.out.println("  stop-opening at 11:00 unless 3 wait, no standby list (pudong): " + figures.get("pudong"));
      System.out.println("  WITH stop-opening at 11:00 unless 3 wait, and " + STANDBY + " on standby (jingan): " + figures.get("jingan"));
      assertTrue(with.standbyIn > 0, "standby people came for the leftover: " + figures.get("jingan"));
      assertFalse(invited.isEmpty());
    } finally {
      sms.close();
    }
  }
}
