package io.vaxflow.announce;

import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.flow.SiteFlow;
import io.vaxflow.monitor.AppMetrics;
import io.vaxflow.store.EventStream.Entry;
import io.vaxflow.store.RedisDeployment;
import io.vaxflow.web.Views;
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
import java.util.regex.Pattern;

/**
 * The loudspeaker: turns the site streams into live messages on this server's event bus (and so
 * to its SockJS clients). Each call is said {@code announce.repeats} times {@code intervalSec}
 * apart and stops once the ticket is acted on; counts go out on {@code .state}, coalesced;
 * station changes on {@code .staff}; display acknowledgements come back on {@code .ack}.
 */
public final class Announcer extends VerticleBase {

  /** Events after which a ticket's pending call is no longer repeated. */
  private static final Set<String> ACTED_ON = Set.of(
      "door_scan", "start", "no_show", "return", "transfer", "release", "reinstate", "lease_expired", "done");
  private static final Pattern DISPLAY_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  private static final long STATE_EVERY_MS = 250;

  public static String calls(String site) {
    return "vaxflow.site." + site + ".calls";
  }

  public static String state(String site) {
    return "vaxflow.site." + site + ".state";
  }

  public static String staff(String site) {
    return "vaxflow.site." + site + ".staff";
  }

  public static String ack(String site) {
    return "vaxflow.site." + site + ".ack";
  }

  private final VaxflowConfig config;
  private final Map<String, SiteFlow> flows;
  private final String redisUrl;
  private final Clock clock;
  private final Views views;
  private final Displays displays;
  private final AppMetrics metrics;
  private final List<SiteStreamTail> tails = new ArrayList<>();
  /** site → ticket number → timer of its next repetition. */
  private final Map<String, Map<String, Long>> pending = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private final Map<String, Map<String, String>> lastStations = new HashMap<>();
  private long stateTimer;

  public Announcer(VaxflowConfig config, Map<String, SiteFlow> flows, String redisUrl, Clock clock, Displays displays,
                   AppMetrics metrics) {
    this.metrics = metrics;
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
      pending.put(site, new HashMap<>());
      SiteStreamTail tail = new SiteStreamTail(vertx, RedisDeployment.options(config.redis(), redisUrl), site, e -> onEvent(site, e));
      tails.add(tail);
      tail.start();
      vertx.eventBus().<JsonObject>consumer(ack(site), msg -> onAck(site, msg.body()));
      dirty.add(site);
    }
    stateTimer = vertx.setPeriodic(STATE_EVERY_MS, id -> publishStates());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(stateTimer);
    tails.forEach(SiteStreamTail::stop);
    return Future.succeededFuture();
  }

  private void onEvent(String site, Entry e) {
    dirty.add(site);
    String type = e.get("type");
    String number = e.get("number");
    if (!number.isEmpty() && (ACTED_ON.contains(type) || "call".equals(type))) {
      Long timer = pending.get(site).remove(number);
      if (timer != null) vertx.cancelTimer(timer);
    }
    if (!"call".equals(type)) return;
    Instant at = Instant.ofEpochMilli(Long.parseLong(e.get("at")));
    int of = config.announce().repeats();
    Call call = CallText.call(e.id(), site, number, e.get("toKind"), e.get("toId"), at, e.get("batch"), of);
    // A call read late (after a reconnect) is not shouted again: displays replay it from the API.
    long lateMs = clock.millis() - at.toEpochMilli();
    if (lateMs > (long) of * config.announce().intervalSec() * 1000L) return;
    say(site, call, 1);
  }

  private void say(String site, Call call, int repeat) {
    JsonObject msg = views.call(call.repetition(repeat)).put("sentAt", System.currentTimeMillis());
    vertx.eventBus().publish(calls(site), msg);
    displays.called(site);
    metrics.called(site, call.to().kind());
    if (repeat < call.of()) {
      long timer = vertx.setTimer(config.announce().intervalSec() * 1000L, id -> {
        pending.get(site).remove(call.number());
        say(site, call, repeat + 1);
      });
      pending.get(site).put(call.number(), timer);
    } else {
      pending.get(site).remove(call.number());
    }
  }

  private void onAck(String site, JsonObject body) {
    if (body == null) return;
    String display = body.getValue("displayId") instanceof String s ? s : "";
    if (!DISPLAY_ID.matcher(display).matches()) return;
    String callId = body.getValue("callId") instanceof String s ? s : "";
    displays.acknowledged(site, display, callId.length() <= 41 ? callId : "");
  }

  private void publishStates() {
    if (dirty.isEmpty()) return;
    Set<String> sites = new HashSet<>(dirty);
    dirty.clear();
    for (String site : sites) {
      SiteFlow flow = flows.get(site);
      flow.snapshot(10).onSuccess(snap -> {
        metrics.counts(site, snap.counts());
        vertx.eventBus().publish(state(site), views.snapshot(snap, flow.site()));
        Map<String, String> before = lastStations.computeIfAbsent(site, k -> new HashMap<>());
        snap.stations().forEach(st -> {
          JsonObject json = views.station(st);
          json.remove("since");
          String enc = json.encode();
          if (!enc.equals(before.put(st.id().id(), enc))) {
            vertx.eventBus().publish(staff(site), new JsonObject().put("type", "station").put("station", views.station(st)));
          }
        });
      }).onFailure(err -> dirty.add(site)); // try again next round
    }
  }
}
