package io.vaxflow.plan;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A site's day to plan: its opening hours, desks, booths and target from the config; the service
 * times the site's desks and booths took lately (the durations lua/lib/waits.lua keeps, once
 * there are {@link #MIN_SAMPLES}), else the configured ones (flow.deskServiceMin / boothServiceMin,
 * coefficient of variation {@link #DEFAULT_CV}), unless the request gives others; and the arrivals: the day's bookings per
 * slot (the slot counters book.lua keeps) summed per hour plus the walk-ins ({@link #arrivals}: those seen today, or a
 * figure the manager gives), or a curve the manager enters.
 */
public final class SitePlans {

  private static final String WALK_INS = "walkins@";
  private static final long QUARTER_MS = 900_000;
  private static final long HOUR_MS = 3_600_000;

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

  /** Where a plan's walk-ins come from. */
  public enum WalkIns {
    /** the manager's figure per hour */
    ENTERED,
    /** those who walked in today: each ended hour its own, the rest of the day today's rate so far */
    TODAY,
    /** nobody has walked in today (or the site takes no one without an appointment) */
    NONE
  }

  /**
   * A day's expected arrivals per hour from opening: its bookings plus its walk-ins, which are also
   * given apart, with {@code walkInsPerHour} (the rate the hours to come are given) and their source.
   */
  public record Arrivals(List<Double> perHour, List<Double> walkIns, double walkInsPerHour, WalkIns source) {}

  /**
   * The day's arrivals per hour from opening, as of {@code now}: the bookings of each hour (the slot
   * counters book.lua keeps) plus its walk-ins. The walk-ins are {@code entered} per hour when the
   * manager gives a figure; otherwise the people who walked in (the quarter-hour counts lib/stats.lua
   * keeps) in each hour that has ended, and in this hour and the later ones today's walk-ins per hour
   * so far (since opening, counted as at least an hour), or this hour's own count when it is higher.
   * One round trip.
   */
  public Future<Arrivals> arrivals(SiteConfig site, LocalDate day, Instant now, Optional<Double> entered) {
    return store.redis().batch(List.of(Request.cmd(Command.HGETALL).arg(SiteKeys.Site.SLOTS.of(site.id(), day.toString())),
            Request.cmd(Command.HGETALL).arg(SiteKeys.Site.STATS.of(site.id(), day.toString()))))
        .map(r -> {
          int n = hours(site);
          long opens = site.hours().start(day, site.hours().opens()).toEpochMilli();
          double[] booked = new double[n];
          Response slots = r.get(0);
          for (String slot : slots == null ? java.util.Set.<String>of() : slots.getKeys()) {
            String[] hm = slot.split(":");
            int h = Math.floorDiv(Integer.parseInt(hm[0]) * 60 + Integer.parseInt(hm[1]) - site.hours().openMinute(), 60);
            if (h >= 0 && h < n) booked[h] += slots.get(slot).toInteger();
          }
          double[] walked = new double[n];
          Response stats = r.get(1);
          for (String field : stats == null ? java.util.Set.<String>of() : stats.getKeys()) {
            if (!field.startsWith(WALK_INS)) continue;
            long at = Long.parseLong(field.substring(WALK_INS.length())) * QUARTER_MS;
            walked[Math.max(0, Math.min(n - 1, (int) Math.floorDiv(at - opens, HOUR_MS)))] += stats.get(field).toInteger();
          }
          double hoursOpen = Math.max(0, Math.min(n, (now.toEpochMilli() - opens) / (double) HOUR_MS));
          int current = (int) Math.floor(hoursOpen); // hours before this one have ended
          double sum = 0;
          for (double w : walked) sum += w;
          double rate = entered.orElse(sum / Math.max(1, hoursOpen));
          WalkIns source = entered.isPresent() ? WalkIns.ENTERED : sum > 0 ? WalkIns.TODAY : WalkIns.NONE;
          List<Double> perHour = new ArrayList<>();
          List<Double> walkIns = new ArrayList<>();
          for (int h = 0; h < n; h++) {
            double w = entered.isPresent() ? rate : h < current ? walked[h] : Math.max(walked[h], rate);
            walkIns.add(w);
            perHour.add(booked[h] + w);
          }
          return new Arrivals(perHour, walkIns, rate, source);
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
