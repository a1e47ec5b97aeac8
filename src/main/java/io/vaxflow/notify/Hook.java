package io.vaxflow.notify;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.metrics.AppMetrics;
import io.vaxflow.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver (a webhook, the immunization registry) on this instance: its lanes (one per site) and its budget of
 * deliveries at a time ({@code notify.inFlight}), which its lanes reserve before they read, so a receiver that is
 * down holds only its own budget and never delays another.
 */
final class Hook {

  private static final Logger LOG = LoggerFactory.getLogger(Hook.class);
  /** A failing receiver is logged at most this often (each attempt is counted in the metrics). */
  private static final long LOG_EVERY_MS = 60_000;

  final Destination receiver;
  final VaxflowConfig.Notify settings;
  final Scripts store;
  final AppMetrics metrics;
  final String consumer;
  final Vertx vertx;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  /** Deliveries running and slots reserved by reads in flight. */
  private int busy;
  private boolean stopped;
  private long loggedAt;
  private volatile long pending;
  private volatile long oldestMs;

  Hook(Destination receiver, VaxflowConfig.Notify settings, Scripts store, AppMetrics metrics, String consumer, Vertx vertx,
       Collection<String> sites) {
    this.receiver = receiver;
    this.settings = settings;
    this.store = store;
    this.metrics = metrics;
    this.consumer = consumer;
    this.vertx = vertx;
    for (String site : sites) lanes.put(site, new Lane(this, site));
    if (receiver.readsCity()) lanes.put(VaxflowConfig.CITY, new Lane(this, VaxflowConfig.CITY));
  }

  Collection<Lane> lanes() {
    return lanes.values();
  }

  /** The lane of a site (or of the city's stream); null when this webhook does not read it. */
  Lane lane(String site) {
    return lanes.get(site);
  }

  boolean stopped() {
    return stopped;
  }

  /** Up to {@code want} slots of the budget, taken now; 0 when it is spent. */
  int reserve(int want) {
    int k = Math.min(want, settings.inFlight() - busy);
    if (k <= 0) return 0;
    busy += k;
    return k;
  }

  /** Slots given back: lanes that found the budget spent take over and read again, taking over first. */
  void release(int k) {
    if (k <= 0) return;
    busy -= k;
    lanes.values().forEach(Lane::claimIfWanted);
    lanes.values().forEach(Lane::pumpIfStarved);
  }

  /** A failed attempt or read, logged once a minute per webhook; every attempt is counted. */
  void failed(String what, Throwable err) {
    long now = System.currentTimeMillis();
    if (now - loggedAt < LOG_EVERY_MS) return;
    loggedAt = now;
    LOG.warn("receiver {}: {} failed: {} (retrying; logged once a minute)", receiver.id(), what,
        err.getMessage() == null ? err.toString() : err.getMessage());
  }

  void stop() {
    stopped = true;
    lanes.values().forEach(Lane::stop);
  }

  /** Reads every lane's backlog from Redis, for the gauges and /health. */
  void readStatus() {
    if (stopped) return;
    Future.join(lanes.values().stream().map(Lane::readStatus).toList()).onComplete(ar -> {
      long p = 0;
      long oldest = 0;
      for (Lane l : lanes.values()) {
        p += l.pending();
        if (l.oldestMs() > 0 && (oldest == 0 || l.oldestMs() < oldest)) oldest = l.oldestMs();
      }
      pending = p;
      oldestMs = oldest;
    });
  }

  long pending() {
    return pending;
  }

  /** Age of the oldest undelivered event in seconds, 0 when none. */
  long oldestSec() {
    long o = oldestMs;
    return o == 0 ? 0 : Math.max(0, (System.currentTimeMillis() - o) / 1000);
  }

  WebhookStatus status(long staleMs) {
    long o = oldestMs;
    OptionalLong age = o == 0 ? OptionalLong.empty() : OptionalLong.of(oldestSec());
    return new WebhookStatus(receiver.id(), pending, age, o != 0 && System.currentTimeMillis() - o > staleMs);
  }
}
