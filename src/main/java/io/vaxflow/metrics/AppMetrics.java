package io.vaxflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaxflow.flow.StageCounts;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Vaxflow's own figures on {@code GET /metrics} (Prometheus), next to Vert.x's: check-ins by
 * outcome, calls said, people per stage (as last published), the registry breaker's state.
 * A no-op when the server runs without a metrics registry (as in most tests).
 */
public final class AppMetrics {

  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final Map<String, StageCounts> latest = new ConcurrentHashMap<>();

  public void checkIn(String site, String outcome) {
    if (registry != null) {
      Counter.builder("vaxflow_checkins").description("Check-ins by site and outcome (created, replay, or the error code)")
          .tag("site", site).tag("outcome", outcome).register(registry).increment();
    }
  }

  public void called(String site, String toKind) {
    if (registry != null) {
      Counter.builder("vaxflow_call_sayings").description("Repetitions of calls published to displays")
          .tag("site", site).tag("to", toKind).register(registry).increment();
    }
  }

  /** The counts of a site as last published; gauges per stage read them. */
  public void counts(String site, StageCounts counts) {
    if (registry == null) return;
    if (latest.put(site, counts) == null) {
      Map<String, java.util.function.ToDoubleFunction<StageCounts>> stages = Map.of(
          "outside", StageCounts::outside, "hall", StageCounts::hall, "room", StageCounts::room,
          "desk", StageCounts::desk, "vaccination", StageCounts::vaccination, "booth", StageCounts::booth,
          "observation", StageCounts::observation, "released", StageCounts::released, "no_show", StageCounts::noShow);
      stages.forEach((stage, f) -> Gauge.builder("vaxflow_stage_people", latest, m -> {
            StageCounts c = m.get(site);
            return c == null ? 0 : f.applyAsDouble(c);
          }).description("People at each stage of a site").tag("site", site).tag("stage", stage)
          .strongReference(true).register(registry));
    }
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
}
