package io.vaxflow.monitor;

import io.vaxflow.flow.SiteFlow;
import io.vaxflow.monitor.SiteReport.Alert;
import io.vaxflow.store.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the dashboard's alerts into events: every few seconds each site's alerts are computed as the
 * dashboard computes them ({@link SiteMetrics}, {@link Advice}) and reported to lua/alerts.lua, which
 * appends an {@code alert} event (raised or cleared) to the site's stream only when the set changes. Every
 * instance reports; the script makes each raise one event however many do, and clears an alert only once no
 * instance has seen it for a few rounds, so instances that disagree for a while (a breaker open on one) do
 * not flap. The webhooks deliver the events ({@code notify}).
 */
public final class AlertWatch extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AlertWatch.class);
  /** An alert no instance has seen for this many rounds is cleared. */
  static final int QUIET_ROUNDS = 3;

  private final Collection<SiteFlow> flows;
  private final SiteMetrics metrics;
  private final long everyMs;
  /** Sites whose round is still running (a slow Redis): the next round skips them. */
  private final Set<String> running = new HashSet<>();
  private long timer;
  private boolean warned;

  public AlertWatch(Collection<SiteFlow> flows, SiteMetrics metrics, long everyMs) {
    this.flows = flows;
    this.metrics = metrics;
    this.everyMs = everyMs;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(everyMs, id -> flows.forEach(this::look));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void look(SiteFlow flow) {
    String site = flow.site().id();
    if (!running.add(site)) return;
    metrics.report(flow)
        .compose(report -> flow.recordAlerts(new ScriptArgs.Alerts(seen(report.alerts()), System.currentTimeMillis(),
            QUIET_ROUNDS * everyMs)))
        .onComplete(ar -> {
          running.remove(site);
          if (ar.failed() && !warned) LOG.warn("alerts of {} not recorded (will keep trying): {}", site, ar.cause().getMessage());
          warned = ar.failed();
        });
  }

  static List<ScriptArgs.SeenAlert> seen(List<Alert> alerts) {
    return alerts.stream().map(a -> new ScriptArgs.SeenAlert(a.code().name(), a.subject().orElse(null),
        a.code().level().wire(), a.value(), a.limit())).distinct().toList();
  }
}
