package io.vaxflow.monitor;

import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.dispatch.Dispatcher;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StageCounts;
import io.vaxflow.store.Scripts;
import io.vaxflow.store.SiteKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The city operator's view (SPEC "/city"): every site's load and predicted wait, and where
 * bookings are going — appointments booked per site and day (from the slot counters the booking
 * script keeps) — and why: for each community, the site the dispatcher would choose now.
 */
public final class CityOverview {

  /** Days of bookings shown: today and the six after it. */
  static final int DAYS = 7;

  public record Report(Instant at, LocalDate today, List<SiteLoad> sites, List<Community> communities) {}

  /** A site now: open or not, its counts and predicted wait; appointments booked per day against its daily capacity. */
  public record SiteLoad(SiteConfig site, boolean open, StageCounts counts, int predictedWaitMin,
                         int dailyCapacity, List<DayBookings> bookings) {

    public int bookedOn(LocalDate day) {
      return bookings.stream().filter(b -> b.day().equals(day)).mapToInt(DayBookings::booked).sum();
    }
  }

  public record DayBookings(LocalDate day, int booked) {}

  /**
   * A community people book from, and the site a booking for today goes to: the least trip plus
   * predicted wait with slots left ({@code skipped}: better ranked ones fully booked or closed for
   * the rest of today, as the dispatcher skips them).
   */
  public record Community(VaxflowConfig.Community place, String siteId, double distanceKm, List<String> skipped) {}

  private final VaxflowConfig config;
  private final Map<String, SiteFlow> flows;
  private final Scripts store;

  public CityOverview(VaxflowConfig config, Map<String, SiteFlow> flows, Scripts store) {
    this.config = config;
    this.flows = flows;
    this.store = store;
  }

  public Future<Report> report() {
    List<Future<SiteLoad>> each = new ArrayList<>();
    for (SiteConfig s : config.sites()) each.add(load(s, flows.get(s.id())));
    return Future.all(each).map(all -> {
      List<SiteLoad> sites = each.stream().map(Future::result).toList();
      SiteFlow any = flows.values().iterator().next();
      LocalDate today = any.today();
      List<Community> communities = new ArrayList<>();
      for (VaxflowConfig.Community c : config.communities()) communities.add(choose(c, sites, today, any.now()));
      return new Report(any.now(), today, sites, communities);
    });
  }

  private Future<SiteLoad> load(SiteConfig s, SiteFlow flow) {
    LocalDate today = flow.today();
    List<Future<DayBookings>> days = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      LocalDate day = today.plusDays(i);
      days.add(store.send(Request.cmd(Command.HVALS).arg(SiteKeys.Site.SLOTS.of(s.id(), day.toString()))).map(r -> {
        int booked = 0;
        if (r != null) for (Response v : r) booked += v.toInteger();
        return new DayBookings(day, booked);
      }));
    }
    return flow.snapshot(0).compose(snap -> Future.all(days).map(v -> new SiteLoad(s, snap.open(s.hours()), snap.counts(),
        snap.predictedWaitMin(), dailyCapacity(s), days.stream().map(Future::result).toList())));
  }

  private static int dailyCapacity(SiteConfig s) {
    return s.hours().slotStarts(s.slotMin()).size() * s.slotCapacity();
  }

  private static Community choose(VaxflowConfig.Community c, List<SiteLoad> sites, LocalDate today, Instant now) {
    List<SiteLoad> ranked = new ArrayList<>(sites);
    // as the dispatcher ranks sites for a booking today: the trip plus the predicted wait
    ranked.sort(Comparator.comparingDouble(l ->
        Dispatcher.cost(Dispatcher.km(c.lat(), c.lon(), l.site().lat(), l.site().lon()), l.predictedWaitMin())));
    List<String> skipped = new ArrayList<>();
    for (SiteLoad l : ranked) {
      if (l.bookedOn(today) < l.dailyCapacity() && l.site().hours().bookable(today, now)) {
        return new Community(c, l.site().id(), round(Dispatcher.km(c.lat(), c.lon(), l.site().lat(), l.site().lon())), skipped);
      }
      skipped.add(l.site().id());
    }
    SiteLoad nearest = ranked.get(0);
    return new Community(c, nearest.site().id(), round(Dispatcher.km(c.lat(), c.lon(), nearest.site().lat(), nearest.site().lon())), skipped);
  }

  private static double round(double km) {
    return Math.round(km * 10) / 10.0;
  }
}
