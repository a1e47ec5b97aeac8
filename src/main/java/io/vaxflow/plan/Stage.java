package io.vaxflow.plan;

/**
 * One stage of the site (the desks or the booths) as a queue with c servers, in the pointwise
 * stationary fluid-flow approximation: the state is the mean number of people at the stage (waiting
 * or served); the utilisation at each moment is the one at which a stationary M/G/c queue would
 * hold that many, and the stage serves that many per minute. Under load the state settles where
 * the M/G/c queue does; over capacity the servers run flat out and the backlog grows, and it carries
 * over into the next hour. The waiting of M/G/c is Erlang C scaled by (ca² + cs²) / 2
 * (Allen–Cunneen).
 */
final class Stage {

  private Stage() {}

  /** Mean number waiting (not in service) at utilisation {@code rho} with {@code c} servers. */
  static double queue(int c, double rho, double variability) {
    if (rho <= 0) return 0;
    double a = c * rho;
    double b = 1; // Erlang B by recursion, then Erlang C
    for (int k = 1; k <= c; k++) b = a * b / (k + a * b);
    double erlangC = b / (1 - rho * (1 - b));
    return erlangC * rho / (1 - rho) * variability;
  }

  /** Mean number at the stage (waiting and in service) at utilisation {@code rho}. */
  static double inSystem(int c, double rho, double variability) {
    return c * rho + queue(c, rho, variability);
  }

  /** The utilisation at which the stationary queue holds {@code people}: the inverse of {@link #inSystem}. */
  static double utilisation(int c, double people, double variability) {
    if (people <= 1e-9) return 0;
    double lo = 0, hi = 1 - 1e-9;
    if (inSystem(c, hi, variability) <= people) return hi;
    for (int i = 0; i < 40; i++) {
      double mid = (lo + hi) / 2;
      if (inSystem(c, mid, variability) < people) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  /**
   * The squared coefficient of variation of the stream leaving a stage (Whitt's linking equation):
   * what the next stage sees as its arrivals' variability.
   */
  static double departures(double arrivalsScv, double serviceScv, double rho, int c) {
    return 1 + (1 - rho * rho) * (arrivalsScv - 1) + rho * rho * (serviceScv - 1) / Math.sqrt(c);
  }
}
