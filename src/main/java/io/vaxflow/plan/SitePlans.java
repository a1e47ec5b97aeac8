package io.vaxflow.plan;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A site's day to plan: its opening hours, desks, booths and target from the config; the service
 * times the site's desks and booths took lately (the durations lua/lib/waits.lua keeps, once
 * there are {@link #MIN_SAMPLES}), else the configured ones (flow.deskServiceMin / boothServiceMin,
 * coefficient of variation {@link #DEFAULT_CV}), unless the request gives others; and the arrivals: the day's bookings per
 * slot (the slot counters book.lua keeps) summed per hour plus an estimate of walk-ins per hour, or
 * a curve the manager enters.
 */
public final class SitePlans {

  /** Service-time variability when nothing better is known (sd half the mean). */
  public static final double DEFAULT_CV = 0.5;
  /** Observed service times count from this many durations of a kind. */
  public static final int MIN_SAMPLES = 5;

  /** The service times observed lately, where there are enough of them. */
  public record Observed(Optional<DayPlan.Service> desk, Optional<DayPlan.Service> booth) {
    public static Observed none() {
      return new Observed(Optional.empty(), Optional.empty());
    }
  }

  /** What a request may set; anything empty comes from the site's config. */
  public record Overrides(Optional<Double> deskServiceMin, Optional<Double> boothServiceMin, Optional<Double> deskCv,
                          Optional<Double> boothCv, Optional<Integer> desks, Optional<Integer> booths,
                          Optional<Integer> targetWaitMin) {
    public static Overrides none() {
      return new Overrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty());
    }
  }

  private final VaxflowConfig.Flow flow;
  private final Scripts store;

  public SitePlans(VaxflowConfig.Flow flow, Scripts store) {
    this.flow = flow;
    this.store = store;
  }

  /** Hours the site is open, counting a last part hour as one. */
  public static int hours(SiteConfig site) {
    return (int) Math.ceil(site.hours().minutes() / 60.0);
  }

  /** The day's bookings per hour from opening, each hour plus {@code walkInsPerHour}. */
  public Future<List<Double>> booked(SiteConfig site, LocalDate day, double walkInsPerHour) {
    return store.send(Request.cmd(Command.HGETALL).arg(SiteKeys.slots(site.id(), day.toString()))).map(r -> {
      int n = hours(site);
      double[] perHour = new double[n];
      java.util.Arrays.fill(perHour, walkInsPerHour);
      if (r != null) {
        for (String slot : r.getKeys()) {
          String[] hm = slot.split(":");
          int minute = Integer.parseInt(hm[0]) * 60 + Integer.parseInt(hm[1]);
          int h = Math.floorDiv(minute - site.hours().openMinute(), 60);
          Response count = r.get(slot);
          if (h >= 0 && h < n && count != null) perHour[h] += count.toInteger();
        }
      }
      List<Double> out = new ArrayList<>();
      for (double v : perHour) out.add(v);
      return out;
    });
  }

  /** The desks' and booths' latest service durations (one round trip). */
  public Future<Observed> observed(SiteConfig site) {
    return store.redis().batch(List.of(
            Request.cmd(Command.LRANGE).arg(SiteKeys.serviceTimes(site.id(), "desk")).arg(0).arg(-1),
            Request.cmd(Command.LRANGE).arg(SiteKeys.serviceTimes(site.id(), "booth")).arg(0).arg(-1)))
        .map(r -> new Observed(service(r.get(0)), service(r.get(1))));
  }

  private static Optional<DayPlan.Service> service(Response durations) {
    if (durations == null || durations.size() < MIN_SAMPLES) return Optional.empty();
    double sum = 0;
    double squares = 0;
    for (Response d : durations) {
      double min = d.toLong() / 60_000.0;
      sum += min;
      squares += min * min;
    }
    int n = durations.size();
    double mean = sum / n;
    double sd = Math.sqrt(Math.max(0, squares / n - mean * mean));
    return mean > 0 ? Optional.of(new DayPlan.Service(mean, sd / mean)) : Optional.empty();
  }

  /** The plan of {@code arrivals} (people per hour from opening) at {@code site}. */
  public Planner.Plan plan(SiteConfig site, List<Double> arrivals, Overrides o, Observed seen) {
    DayPlan.Service desk = seen.desk().orElse(new DayPlan.Service(flow.deskServiceMin(), DEFAULT_CV));
    DayPlan.Service booth = seen.booth().orElse(new DayPlan.Service(flow.boothServiceMin(), DEFAULT_CV));
    DayPlan day = new DayPlan(site.hours().openMinute(), arrivals,
        new DayPlan.Service(o.deskServiceMin().orElse(desk.meanMin()), o.deskCv().orElse(desk.cv())),
        new DayPlan.Service(o.boothServiceMin().orElse(booth.meanMin()), o.boothCv().orElse(booth.cv())),
        o.desks().orElse(site.desks()), o.booths().orElse(site.booths()), o.targetWaitMin().orElse(site.targetWaitMin()));
    return Planner.plan(day);
  }
}
