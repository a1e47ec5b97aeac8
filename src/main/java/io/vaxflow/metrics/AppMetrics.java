package io.vaxflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.vaxflow.flow.StageCounts;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.micrometer.backends.BackendRegistries;
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
 * the process' resident memory. They go to the registry Vert.x reports to when it runs with
 * {@code Main.vertxOptions()} (the server, and the tests' servers too); without Micrometer metrics
 * there is none and this is a no-op.
 *
 * <p>People per stage are site-wide: every instance tails every site and reports the same counts,
 * so a dashboard takes one instance's value ({@code max by (site, stage)}), never their sum.
 *
 * <p>Each meter is registered once per registry (several servers in one JVM share Vert.x's default
 * registry): a gauge registered twice would be ignored, and Micrometer warns about it.
 */
public final class AppMetrics {

  private static final Path PROC_STATUS = Path.of("/proc/self/status");
  private static final Map<String, ToDoubleFunction<StageCounts>> STAGES = Map.of(
      "outside", StageCounts::outside, "hall", StageCounts::hall, "room", StageCounts::room,
      "desk", StageCounts::desk, "vaccination", StageCounts::vaccination, "booth", StageCounts::booth,
      "observation", StageCounts::observation, "released", StageCounts::released, "no_show", StageCounts::noShow);

  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final Map<String, StageCounts> latest = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public AppMetrics() {
    if (registry != null && Files.isReadable(PROC_STATUS) && registry.find("process.resident.memory").gauge() == null) {
      // as Prometheus' own client libraries name it: process_resident_memory_bytes
      Gauge.builder("process.resident.memory", PROC_STATUS, AppMetrics::residentBytes).baseUnit(BaseUnits.BYTES)
          .description("Resident memory size in bytes (VmRSS)").strongReference(true).register(registry);
    }
  }

  public void checkIn(String site, String outcome) {
    count("vaxflow_checkins", "Check-ins by site and outcome (created, replay, or the error code)", "site", site, "outcome", outcome);
  }

  public void called(String site, String toKind) {
    count("vaxflow_call_sayings", "Repetitions of calls published to displays", "site", site, "to", toKind);
  }

  private void count(String name, String description, String... tags) {
    if (registry == null) return;
    counters.computeIfAbsent(name + String.join("|", tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry)).increment();
  }

  /** The counts of a site as last published; gauges per stage read them. */
  public void counts(String site, StageCounts counts) {
    if (registry == null || latest.put(site, counts) != null) return;
    STAGES.forEach((stage, f) -> {
      if (registry.find("vaxflow_stage_people").tags("site", site, "stage", stage).gauge() != null) return;
      Gauge.builder("vaxflow_stage_people", latest, m -> {
            StageCounts c = m.get(site);
            return c == null ? 0 : f.applyAsDouble(c);
          }).description("People at each stage of a site (site-wide: the same on every instance)")
          .tag("site", site).tag("stage", stage).strongReference(true).register(registry);
    });
  }

  /** 0 closed, 1 half-open, 2 open. */
  public void breaker(String name, Supplier<CircuitBreakerState> state) {
    if (registry == null || registry.find("vaxflow_breaker_state").tag("breaker", name).gauge() != null) return;
    Gauge.builder("vaxflow_breaker_state", state, s -> switch (s.get()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    }).description("Circuit breaker state: 0 closed, 1 half-open, 2 open").tag("breaker", name)
        .strongReference(true).register(registry);
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
