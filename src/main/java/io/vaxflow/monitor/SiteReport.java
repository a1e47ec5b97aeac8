package io.vaxflow.monitor;

import io.vaxflow.announce.Displays;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.SiteSnapshot;
import io.vaxflow.flow.Station;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The site manager's dashboard figures for one moment of one day (what {@link SiteMetrics}
 * computes): the live snapshot, wait-time percentiles, throughput per hour, station utilisation,
 * displays, the registry breaker, the check-in rate limit and the alerts they raise.
 */
public record SiteReport(
    LocalDate day,
    SiteSnapshot snapshot,
    Waits waits,
    List<Hour> throughput,
    Totals totals,
    List<StationUse> stations,
    List<Displays.Seen> displays,
    Breaker registry,
    RateLimit rateLimit,
    List<Alert> alerts,
    int eventsRead,
    boolean truncated,
    WaitAccuracy accuracy) {

  // eventsRead: the day's events the figures cover (all of them, kept as they happened: never truncated)

  /** Without the accuracy of the predicted waits (read on its own, {@link WaitAccuracy}). */
  public SiteReport(LocalDate day, SiteSnapshot snapshot, Waits waits, List<Hour> throughput, Totals totals,
                    List<StationUse> stations, List<Displays.Seen> displays, Breaker registry, RateLimit rateLimit,
                    List<Alert> alerts, int eventsRead, boolean truncated) {
    this(day, snapshot, waits, throughput, totals, stations, displays, registry, rateLimit, alerts, eventsRead,
        truncated, WaitAccuracy.UNKNOWN);
  }

  SiteReport withAccuracy(WaitAccuracy a) {
    return new SiteReport(day, snapshot, waits, throughput, totals, stations, displays, registry, rateLimit, alerts,
        eventsRead, truncated, a);
  }

  /**
   * Minutes from check-in to the first desk call, and from desk done to the first booth call (the
   * waits that ended today), and how long the head of each line has waited so far.
   */
  public record Waits(Percentiles checkinToDesk, Percentiles deskToBooth, HeadOfLine headOfLine) {}

  /**
   * Minutes the first person of each line has waited so far (since check-in; in the vaccination
   * queue since the desk was done), empty when the line is empty: next to the percentiles of ended
   * waits, which during a surge understate the wait of the people still in the hall.
   */
  public record HeadOfLine(OptionalDouble outside, OptionalDouble hall, OptionalDouble room, OptionalDouble vaccination) {

    /** The longest wait for a desk going on now: the heads of the lines before the desks. */
    public OptionalDouble toDesk() {
      return java.util.stream.Stream.of(outside, hall, room).filter(OptionalDouble::isPresent)
          .mapToDouble(OptionalDouble::getAsDouble).max();
    }
  }

  /** Nearest-rank percentiles of a sample of waits, in minutes; empty without samples. */
  public record Percentiles(int samples, OptionalDouble p50, OptionalDouble p90, OptionalDouble max) {

    /**
     * From a histogram of waits by tenths of a minute (rounded as {@link SiteReport#minutes}): the
     * same figures as from the waits themselves, since rounding keeps their order.
     */
    static Percentiles ofTenths(java.util.SortedMap<Long, Long> counts) {
      long n = counts.values().stream().mapToLong(Long::longValue).sum();
      if (n == 0) return new Percentiles(0, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
      return new Percentiles((int) n, OptionalDouble.of(rank(counts, n, 50) / 10.0), OptionalDouble.of(rank(counts, n, 90) / 10.0),
          OptionalDouble.of(counts.lastKey() / 10.0));
    }

    private static long rank(java.util.SortedMap<Long, Long> counts, long n, int p) {
      long i = Math.max(0, Math.min(n - 1, (long) Math.ceil(p / 100.0 * n) - 1));
      long seen = 0;
      for (var e : counts.entrySet()) {
        seen += e.getValue();
        if (seen > i) return e.getKey();
      }
      return counts.lastKey();
    }
  }

  /** One local hour of the day ({@code hour} 0–23): tickets issued, shots given, people released, no-shows marked. */
  public record Hour(int hour, int checkins, int vaccinated, int released, int noShows) {}

  /** The day so far. {@code noShowsMarked} counts every no-show marking, also those later reinstated. */
  public record Totals(int checkins, int vaccinated, int released, int noShowsMarked, int doorScans, int bookingsMade) {}

  /**
   * A station now and over the day: minutes holding a ticket (called or serving), minutes paused,
   * minutes open (since the site opened, less the pauses), tickets served (done; door: scanned in).
   */
  public record StationUse(Station station, long heldSec, double busyMin, double pausedMin, double openMin,
                           int served, int noShows) {

    /** Busy share of the open time, 0..1; empty before the site opens. */
    public OptionalDouble utilisation() {
      return openMin <= 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.min(1.0, busyMin / openMin));
    }
  }

  /** The appointment registry's circuit breaker: CLOSED, HALF_OPEN or OPEN, and its failure count. */
  public record Breaker(String state, long failures) {}

  /** The check-in limits and the tokens left now in the site-wide check-in bucket. */
  public record RateLimit(VaxflowConfig.Limits limits, double siteTokens) {}

  public enum Level {
    INFO, WARNING, CRITICAL;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What an alert is about; each has a fixed level. */
  public enum AlertCode {
    HALL_NEARLY_FULL(Level.WARNING),
    PEOPLE_OUTSIDE(Level.INFO),
    LONG_WAIT(Level.WARNING),
    STATION_HELD_TOO_LONG(Level.WARNING),
    NO_DESK_OPEN(Level.CRITICAL),
    NO_BOOTH_OPEN(Level.CRITICAL),
    /** A hall display not heard from lately (subject: the display; value: minutes since it was last heard). */
    DISPLAY_OFFLINE(Level.WARNING),
    /** A hall display that shows the calls but whose browser refused to play sound. */
    DISPLAY_MUTED(Level.WARNING),
    /** A hall display that has no Chinese or no English voice: it chimes, but does not say every call. */
    DISPLAY_NO_VOICE(Level.INFO),
    NO_DISPLAY(Level.INFO),
    BREAKER_OPEN(Level.CRITICAL),
    BREAKER_HALF_OPEN(Level.WARNING),
    CHECKIN_LIMIT_LOW(Level.WARNING),
    /** A person in observation had a severe reaction not cleared yet (subject: the ticket number; value: minutes since). */
    SEVERE_REACTION(Level.CRITICAL),
    /** A station is paused while its queue waits for more than the open stations of its kind can take. */
    STATION_PAUSED_QUEUE_WAITING(Level.WARNING),
    /** Booths stand idle with nobody waiting for them while the desks fall behind. */
    BOOTHS_IDLE_DESKS_BEHIND(Level.WARNING),
    /** The predicted wait is over the site's target ({@code targetWaitMin}). */
    WAIT_OVER_TARGET(Level.WARNING);

    private final Level level;

    AlertCode(Level level) {
      this.level = level;
    }

    public Level level() {
      return level;
    }
  }

  /**
   * An alert: its code, what it is about (a station, a display; empty for the site), a value against
   * its limit, and what the manager can do about it from the dashboard ({@link Advice}).
   */
  public record Alert(AlertCode code, Optional<String> subject, long value, long limit, Optional<Action> action) {

    public Alert(AlertCode code, Optional<String> subject, long value, long limit) {
      this(code, subject, value, limit, Optional.empty());
    }

    Alert with(Action a) {
      return new Alert(code, subject, value, limit, Optional.of(a));
    }
  }

  /**
   * Something the manager can do with one press on the dashboard, machine-readable: its name and
   * its parameters, e.g. {@code resume {station: desk-3}}, {@code moveStaff {from: booth-2, to: desk-3}},
   * {@code stopWalkIns {minutes: 60}}, {@code raiseCapacity {setting: hallCapacity, to: 165}}.
   */
  public record Action(String name, Map<String, Object> params) {

    public Action {
      params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
  }

  /** The same report with {@code more} alerts, the most severe first. */
  SiteReport withAlerts(List<Alert> more) {
    if (more.isEmpty()) return this;
    List<Alert> all = new java.util.ArrayList<>(alerts);
    all.addAll(more);
    all.sort(java.util.Comparator.comparing((Alert a) -> a.code().level()).reversed());
    return new SiteReport(day, snapshot, waits, throughput, totals, stations, displays, registry, rateLimit, List.copyOf(all),
        eventsRead, truncated, accuracy);
  }

  static double minutes(long millis) {
    return Math.round(millis / 6_000.0) / 10.0;
  }
}
