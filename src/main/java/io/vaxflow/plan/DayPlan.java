package io.vaxflow.plan;

import java.util.List;

/**
 * A day to plan: people arriving per hour from opening, how long a desk and a booth take (mean
 * and coefficient of variation), how many desks and booths the site runs and the wait it aims for.
 *
 * @param openMinute minute of the day the first hour starts (08:00 is 480)
 * @param arrivals expected arrivals in each hour from opening (people, not necessarily whole)
 */
public record DayPlan(int openMinute, List<Double> arrivals, Service desk, Service booth, int desks, int booths,
                      int targetWaitMin) {

  /** A stage's service time: its mean in minutes and its coefficient of variation (sd / mean). */
  public record Service(double meanMin, double cv) {
    public Service {
      if (!(meanMin > 0) || !(cv >= 0)) throw new IllegalArgumentException("service mean > 0, cv >= 0: " + meanMin + ", " + cv);
    }
  }

  public DayPlan {
    arrivals = List.copyOf(arrivals);
    if (arrivals.isEmpty() || desks < 1 || booths < 1 || targetWaitMin < 1) {
      throw new IllegalArgumentException("a day needs hours, a desk, a booth and a target");
    }
    for (double a : arrivals) if (!(a >= 0)) throw new IllegalArgumentException("arrivals must be >= 0: " + a);
  }

  public int hours() {
    return arrivals.size();
  }

  /** The same day with other staffing. */
  public DayPlan staffed(int desks, int booths) {
    return new DayPlan(openMinute, arrivals, desk, booth, desks, booths, targetWaitMin);
  }
}
