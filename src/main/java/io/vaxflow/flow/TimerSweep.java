package io.vaxflow.flow;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps every site's due timers (arrival timeouts, station leases, observation) every tick, and
 * calls back the people waiting away whose turn nears (lua/tick.lua). Sweeps never overlap; every
 * server instance sweeps, and the scripts make that safe.
 */
public final class TimerSweep extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TimerSweep.class);

  private final Collection<SiteFlow> flows;
  private final long everyMs;
  private volatile boolean stopped;
  private boolean warned;

  public TimerSweep(Collection<SiteFlow> flows, long everyMs) {
    this.flows = flows;
    this.everyMs = everyMs;
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
    vertx.setTimer(everyMs, id -> Future.join(flows.stream().map(SiteFlow::tick).toList()).onComplete(ar -> {
      if (ar.failed() && !warned) {
        LOG.warn("timer sweep failed (will keep trying): {}", ar.cause().getMessage());
      }
      warned = ar.failed();
      schedule();
    }));
  }
}
