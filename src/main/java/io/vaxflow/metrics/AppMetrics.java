package io.vaxflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaxflow.flow.StageCounts;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.spi.metrics.MetricsProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.impl.MicrometerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Vaxflow's own figures on {@code GET /metrics} (Prometheus), next to Vert.x's and the JVM's:
 * check-ins by outcome, calls said, people per stage (as last published), the breakers' states, and
 * the process' resident memory. They go to the registry of the server's Vert.x, which
 * {@code Main.vertxOptions()} gives each Vert.x instance of its own (the tests' servers too); without
 * Micrometer metrics there is none and this is a no-op.
 *
 * <p>People per stage and calls said are site-wide: every instance tails every site, reports the same
 * counts and says every call to its own displays, so a dashboard takes one instance's value
 * ({@code max by (site, ...)}), never their sum; check-ins are each instance's own (summed).
 *
 * <p>Each meter is registered once: a gauge registered twice would be ignored, and Micrometer warns.
 */
public final class AppMetrics {

  private static final Path PROC_STATUS = Path.of("/proc/self/status");
  private static final Map<String, ToDoubleFunction<StageCounts>> STAGES = Map.of(
      "outside", StageCounts::outside, "away", StageCounts::away, "hall", StageCounts::hall, "room", StageCounts::room,
      "desk", StageCounts::desk, "vaccination", StageCounts::vaccination, "booth", StageCounts::booth,
      "observation", StageCounts::observation, "released", StageCounts::released, "no_show", StageCounts::noShow);

  private final MeterRegistry registry;
  private final Map<String, StageCounts> latest = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /** The figures of the server running on {@code vertx}, in its registry. */
  public AppMetrics(Vertx vertx) {
    registry = registryOf(vertx);
    if (registry != null && Files.isReadable(PROC_STATUS)) {
      // as Prometheus' own client libraries name it: process_resident_memory_bytes
      Gauge.builder("process.resident.memory", PROC_STATUS, AppMetrics::residentBytes).baseUnit(BaseUnits.BYTES)
          .description("Resident memory size in bytes (VmRSS)").strongReference(true).register(registry);
    }
  }

  public void checkIn(String site, String outcome) {
    count("vaxflow_checkins", "Check-ins by site and outcome (created, replay, or the error code)", "site", site, "outcome", outcome);
  }

  /**
   * PIN checks (each a PBKDF2) the login has run since start: only sign-ins on a site's enrolled tablets reach one,
   * so a flood of guesses from elsewhere leaves it where it was.
   */
  public <T> void pinChecks(T login, ToDoubleFunction<T> checks) {
    if (registry == null) return;
    // the counter reads the login it is given (held weakly: the server's routes keep it)
    io.micrometer.core.instrument.FunctionCounter.builder("vaxflow_login_pin_checks", login, checks)
        .description("PIN checks (PBKDF2) run by staff sign-ins").register(registry);
  }

  public void called(String site, String toKind) {
    count("vaxflow_call_sayings", "Repetitions of calls published to displays", "site", site, "to", toKind);
  }

  /** One attempt to deliver an event to a webhook: delivered (2xx), failed (retried later), skipped, lost (trimmed). */
  public void delivery(String webhook, String outcome) {
    count("vaxflow_webhook_deliveries", "Webhook delivery attempts by webhook and outcome: delivered, failed (retried), "
        + "skipped (nothing left to send), lost (trimmed from the stream before delivery)", "webhook", webhook, "outcome", outcome);
  }

  /**
   * A webhook's backlog as this instance last read it from Redis (the same on every instance): events read but not
   * yet acknowledged by the receiver, and the age of the oldest event not yet delivered.
   */
  public void webhook(String webhook, Supplier<Number> pending, Supplier<Number> oldestSec) {
    if (registry == null) return;
    Gauge.builder("vaxflow_webhook_pending", pending, p -> p.get().doubleValue())
        .description("Events read for a webhook and not yet answered 2xx (its consumer groups' pending entries)")
        .tag("webhook", webhook).strongReference(true).register(registry);
    Gauge.builder("vaxflow_webhook_oldest_undelivered", oldestSec, p -> p.get().doubleValue()).baseUnit("seconds")
        .description("Age of the oldest event a webhook has not been delivered yet (0: none)")
        .tag("webhook", webhook).strongReference(true).register(registry);
  }

  private void count(String name, String description, String... tags) {
    if (registry == null) return;
    counters.computeIfAbsent(name + String.join("|", tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry)).increment();
  }

  /** The counts of a site as last published; gauges per stage read them. */
  public void counts(String site, StageCounts counts) {
    if (registry == null || latest.put(site, counts) != null) return;
    STAGES.forEach((stage, f) -> Gauge.builder("vaxflow_stage_people", latest, m -> {
          StageCounts c = m.get(site);
          return c == null ? 0 : f.applyAsDouble(c);
        }).description("People at each stage of a site (site-wide: the same on every instance)")
        .tag("site", site).tag("stage", stage).strongReference(true).register(registry));
  }

  /** 0 closed, 1 half-open, 2 open. */
  public void breaker(String name, Supplier<CircuitBreakerState> state) {
    if (registry == null) return;
    Gauge.builder("vaxflow_breaker_state", state, s -> switch (s.get()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    }).description("Circuit breaker state: 0 closed, 1 half-open, 2 open").tag("breaker", name)
        .strongReference(true).register(registry);
  }

  /** {@code GET /metrics}: the Prometheus text of {@code vertx}'s registry. */
  public static Handler<RoutingContext> scraping(Vertx vertx) {
    MeterRegistry registry = registryOf(vertx);
    if (registry instanceof PrometheusMeterRegistry prometheus) return PrometheusScrapingHandler.create(prometheus);
    return ctx -> ctx.response().setStatusCode(404).end(); // the server runs without Prometheus metrics
  }

  /** The Micrometer registry Vert.x reports {@code vertx}'s figures to, or null without Micrometer metrics. */
  private static MeterRegistry registryOf(Vertx vertx) {
    return vertx instanceof MetricsProvider p && p.getMetrics() instanceof MicrometerMetrics m ? m.registry() : null;
  }

  /** VmRSS of {@code /proc/self/status} in bytes. */
  static double residentBytes(Path status) {
    try (Stream<String> lines = Files.lines(status)) {
      return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
          .map(l -> Double.parseDouble(l.split("\\s+")[1]) * 1024).orElse(Double.NaN);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
