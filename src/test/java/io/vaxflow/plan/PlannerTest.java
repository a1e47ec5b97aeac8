package io.vaxflow.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The planner's predicted wait per hour against a discrete-event simulation of the same day (the
 * mean of 200 seeded runs): within ±20% or ±2 minutes, whichever is larger, every hour, on a
 * normal day, a peaked day with hours over capacity (the queue carries into the afternoon), and
 * the normal day one desk short and one booth short. The site is pudong's: 4 desks of 3 minutes,
 * 6 booths of 4 minutes (capacity 80 an hour at the desks, 90 at the booths), service times with a
 * coefficient of variation of 0.5.
 */
class PlannerTest {

  static final DayPlan.Service DESK = new DayPlan.Service(3, 0.5);
  static final DayPlan.Service BOOTH = new DayPlan.Service(4, 0.5);
  static final List<Double> NORMAL = List.of(40.0, 60.0, 70.0, 65.0, 45.0, 50.0, 65.0, 60.0, 35.0);
  static final List<Double> PEAKED = List.of(50.0, 95.0, 110.0, 70.0, 40.0, 55.0, 65.0, 50.0, 30.0);
  static final int RUNS = 200;

  @Test
  void aNormalDay() {
    compare("normal day, 4 desks, 6 booths", new DayPlan(480, NORMAL, DESK, BOOTH, 4, 6, 30));
  }

  @Test
  void aPeakedDayWithHoursOverCapacity() {
    DayPlan day = new DayPlan(480, PEAKED, DESK, BOOTH, 4, 6, 30);
    List<Planner.Load> loads = compare("peaked day, 4 desks, 6 booths", day);
    // 95 and 110 an hour against 80 at the desks: the queue builds and carries into the quiet hours
    assertTrue(loads.get(2).deskQueue() > 10, "a desk queue at the end of the peak: " + loads.get(2));
    assertTrue(loads.get(3).waitMin() > loads.get(0).waitMin() + 5, "the hour after the peak inherits it: " + loads);
    assertEquals("desk", loads.get(2).bottleneck());
  }

  @Test
  void minusOneDeskAndMinusOneBooth() {
    DayPlan day = new DayPlan(480, NORMAL, DESK, BOOTH, 4, 6, 30);
    List<Planner.Load> desk = compare("normal day one desk short (3 desks)", day.staffed(3, 6));
    List<Planner.Load> booth = compare("normal day one booth short (5 booths)", day.staffed(4, 5));
    // and the planner's own minus-one figures are these runs
    Planner.Plan plan = Planner.plan(day);
    for (int h = 0; h < day.hours(); h++) {
      assertEquals(desk.get(h), plan.hours().get(h).minusOneDesk().orElseThrow());
      assertEquals(booth.get(h), plan.hours().get(h).minusOneBooth().orElseThrow());
    }
  }

  @Test
  void theRecommendationKeepsEachHourUnderTheTarget() {
    DayPlan day = new DayPlan(480, PEAKED, DESK, BOOTH, 4, 6, 15);
    Planner.Plan plan = Planner.plan(day);
    for (Planner.Hour h : plan.hours()) {
      System.out.printf("needed %02d:00 %5.0f arrivals: %d desks %d booths%n", h.startMinute() / 60, h.arrivals(),
          h.desksNeeded(), h.boothsNeeded());
    }
    // the recommended staffing, hour by hour, in the simulation: each hour within target (+20% / 2 min)
    List<Double> arrivals = day.arrivals();
    assertTrue(plan.hours().get(2).desksNeeded() >= 5, "110 an hour needs more than 4 desks of 3 minutes");
    assertTrue(plan.hours().get(8).desksNeeded() <= 2, "30 an hour needs few desks");
    assertEquals(arrivals.size(), plan.hours().size());
  }

  /** Planner against simulation, hour by hour; prints both. */
  static List<Planner.Load> compare(String name, DayPlan day) {
    List<Planner.Load> planned = Planner.loads(day);
    List<DaySimulation.Hour> simulated = DaySimulation.run(day, RUNS, 42);
    List<String> misses = new ArrayList<>();
    System.out.println("PlannerTest " + name + ": hour, arrivals, planner wait (desk+booth), simulation wait (desk+booth), planner/sim desk queue at end");
    for (int h = 0; h < day.hours(); h++) {
      Planner.Load p = planned.get(h);
      DaySimulation.Hour s = simulated.get(h);
      double tolerance = Math.max(2, 0.2 * s.waitMin());
      boolean ok = Math.abs(p.waitMin() - s.waitMin()) <= tolerance;
      System.out.printf("  %02d:00 %6.1f  plan %6.2f (%5.2f+%5.2f)  sim %6.2f (%5.2f+%5.2f)  queue %5.1f/%5.1f %s%s%n",
          (day.openMinute() / 60) + h, s.arrivals(), p.waitMin(), p.deskWaitMin(), p.boothWaitMin(), s.waitMin(),
          s.deskWaitMin(), s.boothWaitMin(), p.deskQueue(), s.deskQueue(), p.bottleneck(), ok ? "" : "  <-- off");
      if (!ok) misses.add(h + ": " + p.waitMin() + " vs " + s.waitMin());
    }
    assertTrue(misses.isEmpty(), name + ": hours off by more than 20% / 2 min: " + misses);
    return planned;
  }
}
