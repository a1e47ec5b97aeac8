package io.vaxflow.flow;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps every site's due timers (arrival timeouts, station leases, observation) every tick, and
 * calls back the people waiting away whose turn nears (lua/tick.lua); and, at most once a second (neither
 * is to the second), its bookings' due reminders (lua/remind.lua) and the people's names, ID numbers and
 * phones due for erasure (lua/erase.lua); at every sweep too, what the server adds (the standby list's invitations). Sweeps never overlap; every server instance sweeps, and the
 * scripts make that safe.
 */
public final class TimerSweep extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TimerSweep.class);

  private final Collection<SiteFlow> flows;
  private final long everyMs;
  /** What else looks at each site at every sweep (the standby list's invitations: one short script). */
  private final java.util.function.Function<SiteFlow, Future<?>> alsoEachSweep;
  private static final long REMIND_EVERY_MS = 1_000;

  private volatile boolean stopped;
  private boolean warned;
  private long remindedAt;

  public TimerSweep(Collection<SiteFlow> flows, long everyMs) {
    this(flows, everyMs, f -> Future.succeededFuture());
  }

  public TimerSweep(Collection<SiteFlow> flows, long everyMs, java.util.function.Function<SiteFlow, Future<?>> alsoEachSweep) {
    this.flows = flows;
    this.everyMs = everyMs;
    this.alsoEachSweep = alsoEachSweep;
  }

  @Override
  public Future<?> start() {
    schedule();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  private void schedule() {
    if (stopped) return;
    vertx.setTimer(everyMs, id -> {
      long now = System.currentTimeMillis();
      boolean remind = now - remindedAt >= REMIND_EVERY_MS;
      if (remind) remindedAt = now;
      sweep(remind);
    });
  }

  private void sweep(boolean remind) {
    Future.join(flows.stream().map(f -> remind ? Future.join(f.tick(), alsoEachSweep.apply(f), f.remind(), f.erase())
        : Future.join(f.tick(), alsoEachSweep.apply(f))).toList()).onComplete(ar -> {
      if (ar.failed() && !warned) {
        LOG.warn("timer sweep failed (will keep trying): {}", ar.cause().getMessage());
      }
      warned = ar.failed();
      schedule();
    });
  }
}
