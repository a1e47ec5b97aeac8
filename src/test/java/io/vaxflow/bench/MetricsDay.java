package io.vaxflow.bench;

import io.vaxflow.appointment.RegistryClient;
import io.vaxflow.checkin.Checkin;
import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.SiteConfig;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.Actor;
import io.vaxflow.flow.DataGuard;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.flow.StationAction;
import io.vaxflow.flow.StationId;
import io.vaxflow.flow.StationKind;
import io.vaxflow.gateway.RateLimiter;
import io.vaxflow.metrics.AppMetrics;
import io.vaxflow.store.Scripts;
import io.vaxflow.support.SimClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A big day played at one site for the benchmark's {@code metrics} section, fast and through the real
 * transition scripts (this JVM's own {@link SiteFlow} and {@link Checkin} on the server's Redis, on a
 * simulated clock ahead of the server's, so none of the server's timers touches it): walk-ins
 * arrive evenly, the door lets each in, every desk and booth calls, starts and finishes patients
 * with random service times, observation ends on the day's clock. The aggregates the dashboard reads
 * are therefore those of a real day of that size.
 */
final class MetricsDay {

  private static final Actor BENCH = Actor.of("bench");

  private final SiteFlow flow;
  private final Checkin checkin;
  private final SimClock clock;
  private final List<Station> stations = new ArrayList<>();
  private final Random random = new Random(10_000);
  private final Redis redis;
  private final long start;
  private final long arrivalEveryMs;
  private long now;
  private int arrived;

  /** One desk or booth of the day: idle, or serving until {@code until}. */
  private static final class Station {
    final StationId id;
    long until = -1;

    Station(StationId id) {
      this.id = id;
    }
  }

  /**
   * {@code env}: the server's environment (the same city); {@code people} arrive evenly from
   * {@code start} over {@code hours}.
   */
  MetricsDay(Vertx vertx, String redisUrl, Map<String, String> env, String site, long start, int people, double hours) {
    VaxflowConfig config = ConfigLoader.load(Path.of("config/vaxflow.yaml"), env);
    SiteConfig s = config.sites().stream().filter(x -> x.id().equals(site)).findFirst().orElseThrow();
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
        .setMaxPoolSize(16).setMaxPoolWaiting(100_000).setMaxWaitingHandlers(100_000));
    Scripts scripts = new Scripts(redis, 30_000);
    this.clock = new SimClock(start);
    this.flow = new SiteFlow(s, config, scripts, clock, new DataGuard());
    // walk-ins never ask the registry
    this.checkin = new Checkin(config, new RateLimiter(scripts, config),
        new RegistryClient(vertx, config.registry(), "http://127.0.0.1:9"), new AppMetrics(vertx));
    for (StationId id : StationId.all(s)) if (id.kind() != StationKind.DOOR) stations.add(new Station(id));
    this.start = start;
    this.now = start;
    this.arrivalEveryMs = (long) (hours * 3_600_000 / people);
  }

  int arrived() {
    return arrived;
  }

  /** Plays the day on until {@code people} have checked in (30 s of the day's clock per step). */
  void playUntil(int people) {
    while (arrived < people) {
      now += 30_000;
      clock.set(now);
      List<Future<?>> steps = new ArrayList<>();
      while (arrived < people && start + arrived * arrivalEveryMs <= now) {
        int n = arrived++;
        steps.add(checkin.checkIn(flow, new Checkin.WalkIn(name(n), String.format("BENCH%013d", n), 1), Optional.empty(), "bench")
            .compose(r -> flow.doorScan(r.ticket().number(), BENCH)));
      }
      Future.all(steps).await();
      flow.tick().await(); // observation ends on the day's clock
      List<Future<?>> work = new ArrayList<>();
      for (Station s : stations) work.add(step(s));
      Future.all(work).await();
    }
  }

  /** A station's step: done when its service is over, then the next patient, started at once. */
  private Future<?> step(Station s) {
    if (s.until > now) return Future.succeededFuture();
    Future<?> free = s.until >= 0 ? flow.act(s.id, StationAction.DONE, BENCH) : Future.succeededFuture();
    return free.compose(v -> {
      s.until = -1;
      return flow.act(s.id, StationAction.NEXT, BENCH);
    }).compose(r -> {
      if (r.ticket().isEmpty()) return Future.succeededFuture();
      s.until = now + (s.id.kind() == StationKind.DESK ? 90_000 + random.nextInt(240_000) : 60_000 + random.nextInt(180_000));
      return flow.act(s.id, StationAction.START, BENCH);
    });
  }

  Instant clock() {
    return clock.instant();
  }

  void close() {
    redis.close();
  }

  private static String name(int n) {
    StringBuilder b = new StringBuilder("Bench ");
    for (char ch : Integer.toString(n, 26).toCharArray()) b.append((char) ('a' + Character.digit(ch, 26)));
    return b.toString();
  }
}
