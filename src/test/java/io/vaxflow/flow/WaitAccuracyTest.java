package io.vaxflow.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.support.FlowKit;
import io.vaxflow.support.SimClock;
import io.vaxflow.support.SiteStaff;
import io.vaxflow.support.TestCity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A morning on a simulated clock (the server runs on it; the test moves it 10 s at a time and acts
 * at each step as the people and staff would): walk-ins arrive along a curve with a peak, desks
 * and booths serve each person in a random time of their own (gamma, CV 0.35, drawn up front),
 * desk-2 pauses for half an hour in the peak. From the site's events.csv alone: after the first 30
 * simulated minutes, at least 80% of tickets are called to their booth within ±20% (at least
 * ±3 min) of the wait predicted at their check-in.
 */
class WaitAccuracyTest {

  private static final long MIN = 60_000;
  /** How far the simulated clock moves between two rounds of the test's people and staff. */
  private static final long STEP_MS = 10_000;
  private static final long ARRIVALS_MIN = 120;   // people arrive for this long (simulated)
  private static final long END_MIN = 170;         // and are served until this (simulated)
  /** Gamma shape of the service times: registration and vaccination follow a protocol (CV 0.35). */
  private static final int SHAPE = 8;
  private static final List<String> DESKS = List.of("desk-1", "desk-2", "desk-3");
  private static final List<String> BOOTHS = List.of("booth-1", "booth-2", "booth-3");

  /** Arrivals per hour at minute m of the morning: 40, a peak of 75 from 30 to 80, then 35. */
  private static double perHour(double m) {
    if (m < 30) return 40;
    if (m < 80) return 75;
    return 35;
  }

  @Test
  void aMorningsTicketsAreCalledToTheirBoothWithinTheWaitPredictedAtCheckIn() {
    SimClock clock = new SimClock(Instant.parse(TestCity.MORNING).toEpochMilli());
    try (TestCity city = TestCity.startOn(clock, Map.of(
        "VAXFLOW_SITES_PUDONG_DESKS", "3", "VAXFLOW_SITES_PUDONG_BOOTHS", "3",
        "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "400", "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "12",
        "VAXFLOW_FLOW_DESKSERVICEMIN", "3", "VAXFLOW_FLOW_BOOTHSERVICEMIN", "4",
        "VAXFLOW_FLOW_ARRIVALTIMEOUTSEC", "3600", "VAXFLOW_FLOW_LEASESEC", "7200",
        "VAXFLOW_SITES_PUDONG_STOCK_REQUIRED", "false"))) { // a morning's shots without vials to open (StockDayTest has them)
      SiteStaff staff = SiteStaff.signIn(city);
      Random random = new Random(20261127);

      // The arrival times (simulated ms from the start): a Poisson process thinned to the curve.
      List<Long> arrivals = new ArrayList<>();
      double m = 0;
      while (true) {
        m += -Math.log(1 - random.nextDouble()) * 60.0 / 75;
        if (m >= ARRIVALS_MIN) break;
        if (random.nextDouble() < perHour(m) / 75) arrivals.add((long) (m * MIN));
      }

      // Each person's own desk and booth times (gamma, shape 8: a coefficient of variation of 0.35),
      // drawn up front, so the morning is the same whichever station calls whom.
      Random service = new Random(20261128);
      double[][] serviceMin = new double[arrivals.size()][];
      for (int i = 0; i < serviceMin.length; i++) {
        serviceMin[i] = new double[] {gamma(service, SHAPE, 2.5 / SHAPE), gamma(service, SHAPE, 3.6 / SHAPE)};
      }
      Map<String, Integer> person = new HashMap<>(); // ticket number -> arrival index

      long start = clock.millis();
      Map<String, Long> doneAt = new HashMap<>(); // station -> simulated ms its patient is done
      Map<String, JsonObject> kioskTickets = new LinkedHashMap<>();
      String lastCall = null;
      int next = 0;
      boolean paused = false, resumed = false;
      for (long now = 0; now < END_MIN * MIN; now += STEP_MS) {
        clock.set(start + now);
        while (next < arrivals.size() && arrivals.get(next) <= now) {
          JsonObject t = city.walkIn(FlowKit.SITE, FlowKit.name("Walk", next), FlowKit.idNumber(7, next));
          kioskTickets.put(t.getString("number"), t);
          person.put(t.getString("number"), next);
          next++;
        }
        // The door scans whoever is called to the room.
        JsonArray calls = FlowKit.calls(city, lastCall);
        for (Object o : calls) {
          JsonObject c = (JsonObject) o;
          lastCall = c.getString("eventId");
          if ("room".equals(c.getJsonObject("to").getString("kind")) && c.getInteger("repeat", 1) == 1) {
            FlowKit.scan(city, staff.door(), c.getString("number"));
          }
        }
        // desk-2 takes a break in the peak: from minute 45 it calls nobody new, pauses once its
        // patient is done, and resumes at minute 75.
        boolean onBreak = now >= 45 * MIN && !resumed;
        if (onBreak && !paused && !doneAt.containsKey("desk-2")) {
          FlowKit.ok(FlowKit.act(city, staff.desk(), "desk-2", "pause"), "pause desk-2");
          paused = true;
        }
        if (!resumed && now >= 75 * MIN) {
          if (paused) FlowKit.ok(FlowKit.act(city, staff.desk(), "desk-2", "resume"), "resume desk-2");
          resumed = true;
        }
        for (String s : stationsInOrder()) {
          String cookie = s.startsWith("desk") ? staff.desk() : staff.booth();
          Long due = doneAt.get(s);
          if (due != null && now >= due) {
            FlowKit.ok(FlowKit.act(city, cookie, s, "done"), s + " done");
            doneAt.remove(s);
          }
          if (doneAt.containsKey(s) || (s.equals("desk-2") && now >= 45 * MIN && !resumed)) continue;
          TestCity.Reply r = FlowKit.next(city, cookie, s);
          if (r.status() == 204) continue; // nobody waiting
          JsonObject called = FlowKit.ok(r, s + " next").getJsonObject("ticket");
          if (called == null) continue;
          FlowKit.ok(FlowKit.act(city, cookie, s, "start"), s + " start");
          double[] own = serviceMin[person.get(called.getString("number"))];
          doneAt.put(s, now + (long) ((s.startsWith("desk") ? own[0] : own[1]) * MIN));
        }
      }
      assertEquals(arrivals.size(), next, "every arrival checked in");

      // The kiosk showed a range around the prediction, and the lookup shows one too.
      JsonObject any = kioskTickets.values().iterator().next();
      assertTrue(any.getInteger("predictedWaitLowMin") <= any.getInteger("predictedWaitMin")
          && any.getInteger("predictedWaitMin") <= any.getInteger("predictedWaitHighMin"), any.encode());
      JsonObject looked = FlowKit.ticket(city, kioskTickets.keySet().iterator().next());
      assertNotNull(looked.getInteger("predictedWaitHighMin"), looked.encode());

      // From events.csv only: each ticket's check-in (with its prediction) and its first booth call.
      TestCity.Reply csv = city.get(FlowKit.API + "/events.csv", staff.manager());
      assertEquals(200, csv.status(), csv.body());
      Map<String, long[]> checkins = new HashMap<>(); // number -> at ms, predicted ms
      Map<String, Long> boothCalls = new HashMap<>();
      long day0 = Long.MAX_VALUE;
      for (String line : csv.body().split("\n")) {
        if (line.startsWith("eventId")) continue;
        String[] f = line.split(",", 9);
        long at = OffsetDateTime.parse(f[1]).toInstant().toEpochMilli();
        day0 = Math.min(day0, at);
        if (f[2].equals("checkin")) {
          Map<String, String> details = new HashMap<>();
          for (String kv : f[8].split(";")) details.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
          assertNotNull(details.get("predMin"), "the check-in event keeps its prediction: " + line);
          assertNotNull(details.get("predLo"), line);
          assertNotNull(details.get("predHi"), line);
          checkins.put(f[3], new long[] {at, (long) (Double.parseDouble(details.get("predMin")) * MIN)});
          JsonObject shown = kioskTickets.get(f[3]);
          assertEquals(Math.round(Double.parseDouble(details.get("predMin"))), shown.getInteger("predictedWaitMin").longValue(),
              "the kiosk showed the prediction the event keeps: " + line);
        } else if (f[2].equals("station_call") && f[6].startsWith("booth-")) {
          boothCalls.putIfAbsent(f[3], at);
        }
      }
      List<Double> errors = new ArrayList<>();
      int within = 0;
      // For a look at the bias: per ticket, its check-in minute, predicted and actual wait, signed error.
      StringBuilder perTicket = new StringBuilder("number,checkinMin,predictedMin,actualMin,errorMin,judged\n");
      for (Map.Entry<String, long[]> e : checkins.entrySet()) {
        long at = e.getValue()[0];
        Long called = boothCalls.get(e.getKey());
        if (called == null) continue;
        double actualMin = (called - at) / (double) MIN;
        double predictedMin = e.getValue()[1] / (double) MIN;
        perTicket.append(String.format(java.util.Locale.ROOT, "%s,%.2f,%.2f,%.2f,%.2f,%b%n", e.getKey(), (at - day0) / (double) MIN,
            predictedMin, actualMin, actualMin - predictedMin, at - day0 >= 30 * MIN));
        if (at - day0 < 30 * MIN) continue;
        double error = Math.abs(actualMin - predictedMin);
        errors.add(error);
        if (error <= Math.max(0.2 * predictedMin, 3)) within++;
      }
      errors.sort(Double::compare);
      writeReport("wait-accuracy.csv", perTicket.toString());
      writeReport("wait-accuracy-events.csv", csv.body());
      double share = within / (double) errors.size();
      System.out.printf("WAIT ACCURACY: %d tickets checked in, %d after the first 30 min called to a booth; "
              + "|actual - predicted| median %.1f min, p90 %.1f min, max %.1f min; within ±20%% (≥ ±3 min): %.1f%%%n",
          checkins.size(), errors.size(), pct(errors, 50), pct(errors, 90), errors.get(errors.size() - 1), 100 * share);
      assertTrue(errors.size() >= 60, "enough tickets to judge: " + errors.size());
      assertTrue(share >= 0.8, "share within tolerance " + share);

      // The dashboard's live accuracy: tickets called to a booth within their predicted range.
      JsonObject acc = FlowKit.ok(city.get(FlowKit.API + "/metrics", staff.manager()), "metrics").getJsonObject("predictionAccuracy");
      System.out.println("WAIT ACCURACY (live, metrics): " + acc.encode());
      assertTrue(acc.getInteger("calls") > 0, acc.encode());
    }
  }

  /** Writes a file under target/ for a look after the run (not asserted on). */
  private static void writeReport(String name, String body) {
    try {
      java.nio.file.Path dir = java.nio.file.Path.of("target");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve(name), body);
    } catch (java.io.IOException e) {
      System.out.println("could not write target/" + name + ": " + e);
    }
  }

  private static List<String> stationsInOrder() {
    List<String> all = new ArrayList<>(BOOTHS);
    all.addAll(DESKS);
    return all;
  }

  private static double pct(List<Double> sorted, int p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  /** A gamma(k, theta) sample for a whole k: the sum of k exponentials. */
  private static double gamma(Random r, int k, double theta) {
    double sum = 0;
    for (int i = 0; i < k; i++) sum += -Math.log(1 - r.nextDouble()) * theta;
    return sum;
  }
}
