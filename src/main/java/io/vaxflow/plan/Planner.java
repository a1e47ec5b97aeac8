package io.vaxflow.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The capacity planner: for a day's arrivals per hour, the desks and booths each hour needs to keep
 * the predicted wait under the site's target, the wait and queues with the staffing the site runs,
 * and the same with one desk or one booth short ("minus one").
 *
 * <p>Method: people move desks → booths; each stage is a time-stepped fluid model of an M/G/c queue
 * ({@link Stage}), stepped every quarter minute from opening until the queues have emptied after
 * closing. An hour over capacity leaves a backlog that the next hours inherit. The wait of a person
 * arriving at time t is the desk queue's wait at t plus the booth queue's wait when they reach it
 * (t + desk wait + desk service); an hour's wait is the mean over its arrivals, waiting only (not
 * service). The booths see the desks' departures, whose variability follows Whitt's linking equation.
 * Limits: the hall and room capacities are not modelled (everyone queues), nor no-shows, breaks or
 * priority lanes; staffing changes on the hour.
 */
public final class Planner {

  /** At most this many desks or booths in a recommendation. */
  public static final int MAX_STATIONS = 50;
  /** Minutes per step of the fluid model. */
  static final double STEP_MIN = 0.25;
  /** After closing the model runs until the queues hold fewer people than this, or at most a day. */
  private static final double EMPTY = 0.05;
  /**
   * While a stage is offered more than it can serve, its people are spread less than the stationary
   * queue holding as many would have them (fewer idle servers): its variability factor is scaled by
   * this when reading the utilisation. The one calibrated figure of the model, against
   * {@link DaySimulation} (0.5 to 0.7 all fit PlannerTest's days; 1 overstates a peak's backlog by 15%).
   */
  static final double BUILDING = 0.6;

  /** The queues and waits of one hour under one staffing. */
  public record Load(double waitMin, double deskWaitMin, double boothWaitMin, double deskQueue, double boothQueue,
                     double deskUtilisation, double boothUtilisation) {

    /** The stage that holds people up: the longer wait, or (when nobody waits long) the busier one. */
    public String bottleneck() {
      if (waitMin >= 0.5) return deskWaitMin >= boothWaitMin ? "desk" : "booth";
      return deskUtilisation >= boothUtilisation ? "desk" : "booth";
    }
  }

  /**
   * One hour of the plan: arrivals; desks and booths that keep that hour's wait under the target
   * (with the queue the recommended staffing of earlier hours leaves); the load with the site's
   * staffing and with one desk or one booth short (empty when the site has only one).
   */
  public record Hour(int index, int startMinute, double arrivals, int desksNeeded, int boothsNeeded, Load planned,
                     Optional<Load> minusOneDesk, Optional<Load> minusOneBooth) {

    public String bottleneck() {
      return planned.bottleneck();
    }
  }

  /** The plan of a day; {@code clearMin}: minutes after closing until the queues are empty, per staffing. */
  public record Plan(DayPlan day, List<Hour> hours, double clearMin, Optional<Double> minusOneDeskClearMin,
                     Optional<Double> minusOneBoothClearMin) {}

  private Planner() {}

  public static Plan plan(DayPlan day) {
    int n = day.hours();
    Trace site = run(day, fill(n, day.desks()), fill(n, day.booths()));
    Optional<Trace> lessDesk = day.desks() > 1 ? Optional.of(run(day, fill(n, day.desks() - 1), fill(n, day.booths()))) : Optional.empty();
    Optional<Trace> lessBooth = day.booths() > 1 ? Optional.of(run(day, fill(n, day.desks()), fill(n, day.booths() - 1))) : Optional.empty();
    int[][] needed = needed(day);
    List<Hour> hours = new ArrayList<>();
    for (int h = 0; h < n; h++) {
      int hour = h;
      hours.add(new Hour(h, day.openMinute() + 60 * h, day.arrivals().get(h), needed[0][h], needed[1][h], site.load(h),
          lessDesk.map(t -> t.load(hour)), lessBooth.map(t -> t.load(hour))));
    }
    return new Plan(day, hours, site.clearMin(), lessDesk.map(Trace::clearMin), lessBooth.map(Trace::clearMin));
  }

  /** The predicted load of each hour with the given staffing all day. */
  public static List<Load> loads(DayPlan day) {
    Trace t = run(day, fill(day.hours(), day.desks()), fill(day.hours(), day.booths()));
    List<Load> out = new ArrayList<>();
    for (int h = 0; h < day.hours(); h++) out.add(t.load(h));
    return out;
  }

  /**
   * Hour by hour, the fewest desks and booths that keep the hour's wait under the target, starting
   * from the queues the earlier hours' recommendation leaves: a station is added to the stage with
   * the longer wait until the wait fits (or both stages are at {@link #MAX_STATIONS}).
   */
  private static int[][] needed(DayPlan day) {
    int n = day.hours();
    int[] desks = new int[n], booths = new int[n];
    double xd = 0, xb = 0;
    int perHour = (int) Math.round(60 / STEP_MIN);
    for (int h = 0; h < n; h++) {
      double rate = day.arrivals().get(h) / 60;
      int cd = Math.max(1, (int) Math.floor(0.7 * rate * day.desk().meanMin()));
      int cb = Math.max(1, (int) Math.floor(0.7 * rate * day.booth().meanMin()));
      int horizon = (h + 1) * perHour + (int) Math.round(90 / STEP_MIN);
      while (true) {
        Arrays.fill(desks, h, n, cd);
        Arrays.fill(booths, h, n, cb);
        Trace t = new Trace(day, desks, booths, h * perHour, xd, xb, horizon);
        Load l = t.load(h);
        if (l.waitMin() <= day.targetWaitMin() || (cd >= MAX_STATIONS && cb >= MAX_STATIONS)) break;
        if ((l.deskWaitMin() >= l.boothWaitMin() && cd < MAX_STATIONS) || cb >= MAX_STATIONS) cd++;
        else cb++;
      }
      Trace hour = new Trace(day, desks, booths, h * perHour, xd, xb, (h + 1) * perHour);
      xd = hour.endDesk;
      xb = hour.endBooth;
    }
    return new int[][] {desks, booths};
  }

  private static Trace run(DayPlan day, int[] desks, int[] booths) {
    int perHour = (int) Math.round(60 / STEP_MIN);
    return new Trace(day, desks, booths, 0, 0, 0, day.hours() * perHour + (int) Math.round(24 * 60 / STEP_MIN));
  }

  private static int[] fill(int n, int v) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  /** One run of the fluid model: per step, each stage's waiting time and queue. */
  private static final class Trace {
    final DayPlan day;
    final int from;
    final int perHour = (int) Math.round(60 / STEP_MIN);
    final double[] deskWait, boothWait, deskQueue, boothQueue, deskRho, boothRho;
    int end; // steps computed (exclusive)
    double endDesk, endBooth;

    /** From step {@code from} with {@code xd}, {@code xb} people at desks and booths, up to step {@code to} or until empty after closing. */
    Trace(DayPlan day, int[] desks, int[] booths, int from, double xd, double xb, int to) {
      this.day = day;
      this.from = from;
      int len = to - from;
      deskWait = new double[len];
      boothWait = new double[len];
      deskQueue = new double[len];
      boothQueue = new double[len];
      deskRho = new double[len];
      boothRho = new double[len];
      double muD = 1 / day.desk().meanMin(), muB = 1 / day.booth().meanMin();
      double csD = day.desk().cv() * day.desk().cv(), csB = day.booth().cv() * day.booth().cv();
      // sub-steps keep each Euler step well under one service time
      int sub = (int) Math.ceil(STEP_MIN / (0.1 * Math.min(day.desk().meanMin(), day.booth().meanMin())));
      double dt = STEP_MIN / sub;
      int closeStep = day.hours() * perHour;
      int s = from;
      for (; s < to; s++) {
        int h = Math.min(s / perHour, day.hours() - 1);
        int cd = desks[h], cb = booths[h];
        double lambda = s < closeStep ? day.arrivals().get(s / perHour) / 60 : 0;
        double vD = (1 + csD) / 2;
        double rhoD = 0, rhoB = 0, outD = 0, vB = 1;
        for (int k = 0; k < sub; k++) {
          rhoD = Stage.utilisation(cd, xd, lambda > cd * muD ? vD * BUILDING : vD);
          outD = Math.min(cd * muD * rhoD, xd / dt + lambda);
          vB = (Stage.departures(1, csD, rhoD, cd) + csB) / 2;
          rhoB = Stage.utilisation(cb, xb, outD > cb * muB ? vB * BUILDING : vB);
          double outB = Math.min(cb * muB * rhoB, xb / dt + outD);
          xd = Math.max(0, xd + (lambda - outD) * dt);
          xb = Math.max(0, xb + (outD - outB) * dt);
        }
        rhoD = Stage.utilisation(cd, xd, vD);
        rhoB = Stage.utilisation(cb, xb, vB);
        int i = s - from;
        deskQueue[i] = Stage.queue(cd, rhoD, vD);
        boothQueue[i] = Stage.queue(cb, rhoB, vB);
        deskRho[i] = rhoD;
        boothRho[i] = rhoB;
        deskWait[i] = rhoD > 0 ? deskQueue[i] / (cd * muD * rhoD) : 0;
        boothWait[i] = rhoB > 0 ? boothQueue[i] / (cb * muB * rhoB) : 0;
        if (s >= closeStep && xd + xb < EMPTY) {
          s++;
          break;
        }
      }
      end = s;
      endDesk = xd;
      endBooth = xb;
    }

    /** The load of hour {@code h} (its steps must be in this trace). */
    Load load(int h) {
      int a = h * perHour - from, b = a + perHour;
      double wd = 0, wb = 0, rd = 0, rb = 0;
      for (int i = a; i < b; i++) {
        wd += deskWait[i];
        // the booth queue as this arrival finds it: after their desk wait and desk service
        double reach = i + (deskWait[i] + day.desk().meanMin()) / STEP_MIN;
        wb += at(boothWait, reach);
        rd += deskRho[i];
        rb += boothRho[i];
      }
      wd /= perHour;
      wb /= perHour;
      return new Load(wd + wb, wd, wb, deskQueue[b - 1], boothQueue[b - 1], rd / perHour, rb / perHour);
    }

    /** Minutes after closing until the queues were empty. */
    double clearMin() {
      return Math.max(0, (end - day.hours() * perHour) * STEP_MIN);
    }

    private double at(double[] series, double index) {
      int last = end - from - 1;
      if (index >= last) return series[last];
      int i = (int) index;
      double f = index - i;
      return series[i] * (1 - f) + series[i + 1] * f;
    }
  }
}
