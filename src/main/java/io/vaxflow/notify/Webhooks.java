package io.vaxflow.notify;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.config.VaxflowConfig.Webhook;
import io.vaxflow.metrics.AppMetrics;
import io.vaxflow.store.EventStream.Entry;
import io.vaxflow.store.Scripts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivers the sites' events to the configured webhooks (README "Webhooks") and to the other receivers the server
 * has ({@link Destination}: the immunization registry). Each receiver reads each site's stream through a consumer group
 * of its own ({@code webhook:<id>}), so every receiver gets every event it takes once it answers 2xx, whatever
 * happened meanwhile: a receiver down for an hour, a server restarted or gone. Instances share a webhook's deliveries, each reading as a consumer of its own name; an entry is
 * acknowledged (XACK) only after a 2xx, and one an instance stopped holding is taken over by another
 * ({@link Lane#claim}). One receiver × site is a {@link Lane}; the receiver's budget of deliveries at a time is
 * its {@link Hook}. A lane reads when this instance's stream tail sees a new entry of its site (the announcer
 * hands each one over: {@link #wake}) and once a second besides.
 */
public final class Webhooks extends VerticleBase {

  /** How often every lane reads even without a wake (the wake covers new entries; this, anything missed). */
  static final long POLL_MS = 1_000;
  /** How often each webhook's backlog is read for metrics and /health, and trimmed entries noticed. */
  static final long STATUS_MS = 5_000;
  /** A consumer of another instance, idle this long with nothing pending, is removed at start. */
  static final long FORGET_CONSUMER_MS = 3_600_000;

  private final VaxflowConfig config;
  private final Scripts store;
  private final AppMetrics metrics;
  private final Collection<String> sites;
  private final List<Destination> others;
  /** This instance's consumer name in every group: a host, a process and a start of its own. */
  private final String consumer;
  private final List<Hook> hooks = new ArrayList<>();
  private final Map<String, Boolean> waking = new ConcurrentHashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private Context context;

  /** {@code others}: receivers besides the configured webhooks (the immunization registry), delivered to alike. */
  public Webhooks(VaxflowConfig config, Scripts store, AppMetrics metrics, Collection<String> sites, List<Destination> others) {
    this.config = config;
    this.store = store;
    this.metrics = metrics;
    this.sites = List.copyOf(sites);
    this.others = List.copyOf(others);
    String host = System.getenv().getOrDefault("HOSTNAME", "vaxflow");
    this.consumer = host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Whether there is anyone to deliver to (else the verticle need not run). */
  public boolean anyReceiver() {
    return !config.webhooks().isEmpty() || !others.isEmpty();
  }

  /** The receivers as this instance last read their backlogs: for /health. */
  public List<WebhookStatus> status() {
    long staleMs = config.notifications().staleSec() * 1000L;
    return hooks.stream().map(h -> h.status(staleMs)).toList();
  }

  /**
   * Wakes the lanes of {@code site}: its stream has a new entry (called from the announcer's event loop; for the
   * city's stream of one-time codes, {@link io.vaxflow.config.VaxflowConfig#CITY}, by the booking that sent one).
   */
  public void wake(String site, Entry e) {
    if (context == null || waking.put(site, true) != null) return; // one wake-up pending per site is enough
    context.runOnContext(v -> {
      waking.remove(site);
      hooks.forEach(h -> {
        Lane lane = h.lane(site);
        if (lane != null) lane.pump();
      });
    });
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    VaxflowConfig.Notify n = config.notifications();
    int pool = Math.max(1, n.inFlight() * config.webhooks().size());
    // one client for every webhook, kept: each receiver has a pool of its own (per host and port), so a dead one
    // holds only its own connections; connect and each attempt are bounded by timeoutMs
    WebClient http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(n.timeoutMs()).setKeepAlive(true)
        .setIdleTimeout(60).setUserAgent("Vaxflow-Webhooks/1").setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(pool));
    EventPayloads payloads = new EventPayloads(config, store);
    List<Destination> receivers = new ArrayList<>();
    for (Webhook w : config.webhooks()) receivers.add(new WebhookDestination(w, http, payloads, n.timeoutMs()));
    receivers.addAll(others);
    for (Destination r : receivers) {
      Hook hook = new Hook(r, n, store, metrics, consumer, vertx, sites);
      hooks.add(hook);
      metrics.webhook(r.id(), hook::pending, hook::oldestSec);
    }
    List<Future<?>> groups = new ArrayList<>();
    hooks.forEach(h -> h.lanes().forEach(l -> groups.add(l.createGroup().compose(v -> l.forgetConsumers(FORGET_CONSUMER_MS)))));
    return Future.all(groups).onSuccess(v -> {
      long claimEvery = Math.max(500, n.claimIdleSec() * 1000L / 2);
      long touchEvery = Math.max(300, n.claimIdleSec() * 1000L / 3);
      timers.add(vertx.setPeriodic(POLL_MS, id -> eachLane(Lane::pump)));
      timers.add(vertx.setPeriodic(claimEvery, id -> eachLane(Lane::claim)));
      timers.add(vertx.setPeriodic(touchEvery, id -> eachLane(Lane::touch)));
      timers.add(vertx.setPeriodic(STATUS_MS, id -> hooks.forEach(Hook::readStatus)));
      hooks.forEach(Hook::readStatus);
      eachLane(Lane::claim); // what a stopped instance left, once idle long enough
      eachLane(Lane::pump);
    });
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    hooks.forEach(Hook::stop);
    return Future.succeededFuture();
  }

  private void eachLane(java.util.function.Consumer<Lane> action) {
    hooks.forEach(h -> h.lanes().forEach(action));
  }

  /** The webhooks' event kinds (for whether anyone wants alert events evaluated). */
  public static Set<Webhook.Event> subscribed(VaxflowConfig config) {
    Set<Webhook.Event> out = java.util.EnumSet.noneOf(Webhook.Event.class);
    config.webhooks().forEach(w -> out.addAll(w.events()));
    return out;
  }
}
