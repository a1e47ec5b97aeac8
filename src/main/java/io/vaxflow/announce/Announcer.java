package io.vaxflow.announce;

import io.vaxflow.config.RateClock;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.metrics.AppMetrics;
import io.vaxflow.store.EventStream.Entry;
import io.vaxflow.store.RedisDeployment;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.view.Call;
import io.vaxflow.view.CallText;
import io.vaxflow.view.Views;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loudspeaker: turns the site streams into live messages on this server's event bus (and so
 * to its SockJS clients). A call is said {@code announce.repeats} times {@code intervalSec} apart:
 * the first saying is the call event itself; the later ones are state in Redis (lua/say.lua), so
 * whichever server is up says them, once, and they stop once the ticket is acted on. Counts go
 * out on {@code .state}, coalesced; station changes on {@code .staff}; the views of the tickets
 * this server's phones follow on their own addresses, coalesced too, and every saying of a call to
 * the called ticket's phones at once ({@link Followers}). What the hall displays say back (acks,
 * hellos, pings) the bridge hears ({@link LiveBridge}); this writes it to Redis once a second
 * ({@link Displays#flush}).
 */
public final class Announcer extends VerticleBase {

  private static final long STATE_EVERY_MS = 250;
  /** Due sayings one claim takes at most; more are claimed right after. */
  private static final int SAYINGS_PER_CLAIM = 100;
  private static final long CLAIM_RETRY_MS = 1_000;
  /**
   * A site's sayings are claimed at most this often (real time) unless a backlog is due: at hundreds
   * of calls a second one claim then takes the sayings of a quarter second in one script, at the
   * cost of a saying up to this much later than its interval.
   */
  private static final long CLAIM_GAP_MS = 250;

  private final VaxflowConfig config;
  private final Map<String, SiteFlow> flows;
  private final String redisUrl;
  private final Clock clock;
  private final Views views;
  private final Displays displays;
  private final AppMetrics metrics;
  private final Followers followers;
  private final List<SiteStreamTail> tails = new ArrayList<>();
  /** A site's claim timer, set for when its next saying is due. */
  private record Armed(long dueMs, long timer) {}

  private final Map<String, Armed> claims = new HashMap<>();
  /** When (System.nanoTime) each site's last claim was sent. */
  private final Map<String, Long> lastClaimNs = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private final Map<String, Map<String, String>> lastStations = new HashMap<>();
  private long stateTimer;
  private long ackTimer;
  private final List<java.util.function.BiConsumer<String, Entry>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Announcer(VaxflowConfig config, Map<String, SiteFlow> flows, String redisUrl, Clock clock,
                   Displays displays, AppMetrics metrics, Followers followers) {
    this.metrics = metrics;
    this.followers = followers;
    this.config = config;
    this.flows = flows;
    this.redisUrl = redisUrl;
    this.clock = clock;
    this.views = new Views(config.timeZone());
    this.displays = displays;
  }

  @Override
  public Future<?> start() {
    for (String site : flows.keySet()) {
      SiteStreamTail tail = new SiteStreamTail(vertx, RedisDeployment.options(config.redis(), redisUrl), site, e -> onEvent(site, e));
      tails.add(tail);
      tail.start();
      dirty.add(site);
      claim(site); // sayings left due by a server that stopped, and when the next one is
    }
    stateTimer = vertx.setPeriodic(STATE_EVERY_MS, id -> {
      publishStates();
      followers.push(flows);
    });
    ackTimer = vertx.setPeriodic(Displays.FLUSH_MS, id -> displays.flush());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(stateTimer);
    vertx.cancelTimer(ackTimer);
    claims.values().forEach(c -> vertx.cancelTimer(c.timer()));
    tails.forEach(SiteStreamTail::stop);
    return Future.succeededFuture();
  }

  /**
   * Hands {@code listener} every entry of every site's stream as this instance's tail reads it (on this
   * verticle's event loop; the listener hops to its own): the webhooks wake on it instead of polling.
   */
  public void listen(java.util.function.BiConsumer<String, Entry> listener) {
    listeners.add(listener);
  }

  private void onEvent(String site, Entry e) {
    listeners.forEach(l -> l.accept(site, e));
    dirty.add(site);
    String type = e.get("type");
    followers.changed(site, type, e.get("category"));
    if ("call".equals(type)) {
      Call call = CallText.call(e.id(), site, e.get("number"), e.get("toKind"), e.get("toId"), at(e, "at"),
          e.get("batch"), config.announce().repeats(), "1".equals(e.get("back")));
      // A call read late (after a reconnect) is not shouted again: displays replay it from the API.
      if (late(e)) return;
      say(site, call);
      schedule(site, call);
    } else if ("say".equals(type) && !late(e)) {
      Call call = CallText.call(e.get("callId"), site, e.get("number"), e.get("toKind"), e.get("toId"),
          at(e, "callAt"), e.get("batch"), config.announce().repeats(), "1".equals(e.get("back")));
      say(site, call.repetition(Integer.parseInt(e.get("repeat"))));
    }
  }

  private boolean late(Entry e) {
    return clock.millis() - at(e, "at").toEpochMilli() > staleMs();
  }

  /**
   * How late a call or saying may still be said: its sayings' span, but never under 15 s, so a
   * busy server (a stream tail or a timer running a few seconds behind) still says every saying.
   */
  private long staleMs() {
    return Math.max(sayingsMs(), (long) (15_000L * config.clockRate())); // 15 s of real time
  }

  /** From a call to its last saying. */
  private long sayingsMs() {
    return (long) config.announce().repeats() * config.announce().intervalSec() * 1000L;
  }

  private static Instant at(Entry e, String field) {
    return Instant.ofEpochMilli(Long.parseLong(e.get(field)));
  }

  private void say(String site, Call call) {
    JsonObject msg = views.call(call).put("sentAt", System.currentTimeMillis());
    vertx.eventBus().publish(Addresses.calls(site), msg);
    followers.called(site, call.number(), msg);
    metrics.called(site, call.to().kind());
  }

  /**
   * The call's later sayings were scheduled in Redis by the script that made the call; every
   * server reading the call arms its claim timer for the first of them.
   */
  private void schedule(String site, Call call) {
    if (call.of() < 2) return;
    claimAt(site, call.at().toEpochMilli() + config.announce().intervalSec() * 1000L);
  }

  /**
   * Arms the site's claim timer for {@code dueMs}, unless it is already armed for earlier; not sooner
   * than {@link #CLAIM_GAP_MS} after the last claim, unless sayings are already due (a backlog).
   */
  private void claimAt(String site, long dueMs) {
    Armed armed = claims.get(site);
    if (armed != null) {
      if (armed.dueMs() <= dueMs) return;
      vertx.cancelTimer(armed.timer());
    }
    long now = clock.millis();
    long delay = RateClock.realMs(dueMs - now, config.clockRate());
    Long last = lastClaimNs.get(site);
    if (dueMs > now && last != null) delay = Math.max(delay, CLAIM_GAP_MS - (System.nanoTime() - last) / 1_000_000);
    long timer = vertx.setTimer(delay, id -> {
      claims.remove(site);
      claim(site);
    });
    claims.put(site, new Armed(dueMs, timer));
  }

  /** Claims the site's due sayings (each server tries; each saying goes to one), then waits for the next. */
  private void claim(String site) {
    lastClaimNs.put(site, System.nanoTime());
    flows.get(site).say(new ScriptArgs.Say(SAYINGS_PER_CLAIM, staleMs()))
        .onSuccess(r -> {
          Long next = r.getLong("next");
          if (next != null) claimAt(site, next);
        })
        .onFailure(err -> claimAt(site, clock.millis() + (long) (CLAIM_RETRY_MS * config.clockRate())));
  }

  private void publishStates() {
    if (dirty.isEmpty()) return;
    Set<String> sites = new HashSet<>(dirty);
    dirty.clear();
    for (String site : sites) {
      SiteFlow flow = flows.get(site);
      flow.snapshot(10).onSuccess(snap -> {
        metrics.counts(site, snap.counts());
        vertx.eventBus().publish(Addresses.state(site), views.snapshot(snap, flow.site()));
        Map<String, String> before = lastStations.computeIfAbsent(site, k -> new HashMap<>());
        snap.stations().forEach(st -> {
          JsonObject json = views.station(st);
          json.remove("since");
          String enc = json.encode();
          if (!enc.equals(before.put(st.id().id(), enc))) {
            vertx.eventBus().publish(Addresses.staff(site), new JsonObject().put("type", "station").put("station", views.station(st)));
          }
        });
      }).onFailure(err -> dirty.add(site)); // try again next round
    }
  }
}
