package io.vaxflow.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A discrete-event simulation of a planned day, to check the planner against: Poisson arrivals at
 * each hour's rate, lognormal service times with the plan's mean and coefficient of variation, the
 * desks then the booths, each a first-come first-served queue; everyone who arrives is served
 * (after closing too). The figures of several seeded runs are pooled.
 */
public final class DaySimulation {

  /** One hour's figures: people who arrived in it, their mean waits, and the queues at its end. */
  public record Hour(double arrivals, double waitMin, double deskWaitMin, double boothWaitMin, double deskQueue,
                     double boothQueue) {}

  private DaySimulation() {}

  /** The mean over {@code runs} runs with the seeds seed, seed + 1, ... */
  public static List<Hour> run(DayPlan day, int runs, long seed) {
    int n = day.hours();
    double[] count = new double[n], wait = new double[n], desk = new double[n], booth = new double[n];
    double[] dq = new double[n], bq = new double[n];
    for (int r = 0; r < runs; r++) {
      Random random = new Random(seed + r);
      List<double[]> people = once(day, random); // arrival, desk start, desk end, booth start
      for (double[] p : people) {
        int h = (int) (p[0] / 60);
        count[h]++;
        desk[h] += p[1] - p[0];
        booth[h] += p[3] - p[2];
      }
      for (int h = 0; h < n; h++) {
        double t = 60.0 * (h + 1);
        for (double[] p : people) {
          if (p[0] <= t && p[1] > t) dq[h]++;
          if (p[2] <= t && p[3] > t) bq[h]++;
        }
      }
    }
    List<Hour> out = new ArrayList<>();
    for (int h = 0; h < n; h++) {
      double c = Math.max(1, count[h]);
      out.add(new Hour(count[h] / runs, (desk[h] + booth[h]) / c, desk[h] / c, booth[h] / c, dq[h] / runs, bq[h] / runs));
    }
    return out;
  }

  /** One day: for each person, minutes from opening of arrival, desk start, desk end, booth start. */
  static List<double[]> once(DayPlan day, Random random) {
    List<double[]> people = new ArrayList<>();
    for (int h = 0; h < day.hours(); h++) {
      int k = poisson(day.arrivals().get(h), random);
      double[] times = new double[k];
      for (int i = 0; i < k; i++) times[i] = 60 * (h + random.nextDouble());
      Arrays.sort(times);
      for (double t : times) people.add(new double[] {t, 0, 0, 0});
    }
    // desks: in order of arrival, each to the desk free first
    PriorityQueue<Double> desks = free(day.desks());
    for (double[] p : people) {
      p[1] = Math.max(p[0], desks.poll());
      p[2] = p[1] + service(day.desk(), random);
      desks.add(p[2]);
    }
    // booths: in order of leaving the desks
    List<double[]> byDeskEnd = new ArrayList<>(people);
    byDeskEnd.sort((a, b) -> Double.compare(a[2], b[2]));
    PriorityQueue<Double> booths = free(day.booths());
    for (double[] p : byDeskEnd) {
      p[3] = Math.max(p[2], booths.poll());
      booths.add(p[3] + service(day.booth(), random));
    }
    return people;
  }

  private static PriorityQueue<Double> free(int stations) {
    PriorityQueue<Double> q = new PriorityQueue<>();
    for (int i = 0; i < stations; i++) q.add(0.0);
    return q;
  }

  /** A lognormal service time with the stage's mean and coefficient of variation. */
  static double service(DayPlan.Service s, Random random) {
    if (s.cv() == 0) return s.meanMin();
    double sigma2 = Math.log(1 + s.cv() * s.cv());
    return Math.exp(Math.log(s.meanMin()) - sigma2 / 2 + Math.sqrt(sigma2) * random.nextGaussian());
  }

  static int poisson(double mean, Random random) {
    if (mean > 500) return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    double l = Math.exp(-mean), p = 1;
    int k = 0;
    do {
      k++;
      p *= random.nextDouble();
    } while (p > l);
    return k - 1;
  }
}
