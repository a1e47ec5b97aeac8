package io.vaxflow.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The store: the site's transitions as Lua scripts (src/main/resources/lua), one method per
 * script, each run with one EVALSHA: one round trip per transition. A script's own arguments are
 * one record of {@link ScriptArgs}, sent as one JSON value. {@code lib/core.lua} is prepended to every script, then the
 * includes the script names in its header ({@code -- include: site, tokens}), so each carries
 * only what it uses (the gateway's scripts only the token bucket). After a Redis
 * restart the script cache is empty: a NOSCRIPT reply runs the script once with EVAL, which caches
 * it on that Redis (on a Cluster, the node of the site's slot: SCRIPT LOAD, having no key, would
 * reach any node).
 *
 * <p>On a Cluster every script runs unchanged: the keys it declares share one hash tag ({@code
 * {site}}, or {@code {login}} / the client address for the gateway's), and the keys it builds from
 * {@code KEYS[1]} carry the same tag, so they are in the declared slot on the same node. Redis 6.2
 * and 7 (EVAL without a {@code #!lua} shebang, as here) allow such undeclared keys as long as they are
 * local to the node; 7.x refuses only keys of another slot.
 *
 * <p>With {@code waitReplicas} &gt; 0 a writing script is sent together with {@code WAIT n} in one
 * batch, on one connection (on a Cluster: to the master of the script's slot): its reply is given
 * only once {@code n} replicas confirmed the write, else the call fails as {@link StoreUnavailable}
 * (503; a retry with the same idempotency key replays the write that did happen).
 */
public final class Scripts {

  /** Every script, by name, with the record of its own arguments (ARGV[4], read as {@code A.<component>}). */
  public static final Map<String, Class<? extends Record>> ARGS = Map.ofEntries(
      Map.entry("checkin", ScriptArgs.Checkin.class), Map.entry("door_scan", ScriptArgs.OfNumber.class),
      Map.entry("call_next", ScriptArgs.OfStation.class), Map.entry("recall", ScriptArgs.OfStation.class),
      Map.entry("start", ScriptArgs.OfStation.class), Map.entry("done", ScriptArgs.OfStation.class),
      Map.entry("no_show", ScriptArgs.OfStation.class), Map.entry("return", ScriptArgs.OfStation.class),
      Map.entry("transfer", ScriptArgs.Transfer.class), Map.entry("pause", ScriptArgs.OfStation.class),
      Map.entry("resume", ScriptArgs.OfStation.class), Map.entry("reinstate", ScriptArgs.OfNumber.class),
      Map.entry("tick", ScriptArgs.Tick.class), Map.entry("settings", ScriptArgs.Settings.class),
      Map.entry("snapshot", ScriptArgs.Snapshot.class), Map.entry("ticket", ScriptArgs.OfNumber.class),
      Map.entry("book", ScriptArgs.Book.class), Map.entry("rate_limit", ScriptArgs.RateLimit.class),
      Map.entry("login_guard", ScriptArgs.LoginGuard.class), Map.entry("restore", ScriptArgs.Restore.class),
      Map.entry("say", ScriptArgs.Say.class), Map.entry("display_acks", ScriptArgs.DisplayAcks.class),
      Map.entry("rate_queue", ScriptArgs.RateQueue.class), Map.entry("wait_accuracy", ScriptArgs.None.class),
      Map.entry("observation", ScriptArgs.Observation.class), Map.entry("observe_extend", ScriptArgs.OfNumber.class),
      Map.entry("observe_reaction", ScriptArgs.Reaction.class), Map.entry("observe_clear", ScriptArgs.OfNumber.class),
      Map.entry("observe_release", ScriptArgs.OfNumber.class), Map.entry("site_mode", ScriptArgs.SiteMode.class),
      Map.entry("day_stats", ScriptArgs.None.class));

  public static final List<String> NAMES = ARGS.keySet().stream().sorted().toList();

  /** Scripts that change nothing a client is told about: not waited for (rate_limit's buckets are best effort). */
  private static final java.util.Set<String> NO_WAIT = java.util.Set.of("snapshot", "ticket", "rate_limit", "observation", "day_stats", "wait_accuracy");

  private record Script(String name, String source, String sha) {}

  private final Redis redis;
  private final long timeoutMs;
  private final int waitReplicas;
  private final Map<String, Script> scripts = new LinkedHashMap<>();

  public Scripts(Redis redis, long timeoutMs) {
    this(redis, timeoutMs, 0);
  }

  /** {@code waitReplicas}: replicas that must confirm each writing script before its reply counts. */
  public Scripts(Redis redis, long timeoutMs, int waitReplicas) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    this.waitReplicas = waitReplicas;
    String core = resource("lib/core.lua");
    for (String name : NAMES) {
      String own = resource(name + ".lua");
      StringBuilder source = new StringBuilder(core);
      for (String include : includes(name, own)) source.append("\n").append(resource("lib/" + include + ".lua"));
      source.append("\n-- ").append(name).append(".lua\n").append(own);
      scripts.put(name, new Script(name, source.toString(), sha1(source.toString())));
    }
  }

  /** Loads every script into Redis' script cache, so the first calls need no NOSCRIPT retry. */
  public Future<Void> preload() {
    return Future.all(scripts.values().stream()
            .map(s -> send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.source())))
            .toList())
        .mapEmpty();
  }

  /**
   * Who runs a script, when, on which keys: KEYS, and ARGV[1..3] (now, day, actor); for a staff
   * member's action, ARGV[5] the token of their session, which a site script refuses once a logout
   * closed it (lua/lib/core.lua).
   */
  public record At(List<String> keys, long nowMs, String day, String actor, String session) {

    public At(List<String> keys, long nowMs, String day, String actor) {
      this(keys, nowMs, day, actor, null);
    }

    /** A site's script: KEYS[1] the site's prefix, more keys after it (in its hash slot). */
    public static At site(String site, List<String> moreKeys, long nowMs, String day, String actor, String session) {
      List<String> keys = new java.util.ArrayList<>(moreKeys.size() + 1);
      keys.add(SiteKeys.prefix(site));
      keys.addAll(moreKeys);
      return new At(keys, nowMs, day, actor, session);
    }

    public static At site(String site, List<String> moreKeys, long nowMs, String day, String actor) {
      return site(site, moreKeys, nowMs, day, actor, null);
    }
  }

  // ---- one method per script; the JSON reply as the script gave it ({@code err} in it: a domain rejection) ----

  public Future<JsonObject> checkin(At at, ScriptArgs.Checkin a) { return run("checkin", at, a); }
  public Future<JsonObject> doorScan(At at, ScriptArgs.OfNumber a) { return run("door_scan", at, a); }
  public Future<JsonObject> callNext(At at, ScriptArgs.OfStation a) { return run("call_next", at, a); }
  public Future<JsonObject> recall(At at, ScriptArgs.OfStation a) { return run("recall", at, a); }
  public Future<JsonObject> start(At at, ScriptArgs.OfStation a) { return run("start", at, a); }
  public Future<JsonObject> done(At at, ScriptArgs.OfStation a) { return run("done", at, a); }
  public Future<JsonObject> noShow(At at, ScriptArgs.OfStation a) { return run("no_show", at, a); }
  public Future<JsonObject> giveBack(At at, ScriptArgs.OfStation a) { return run("return", at, a); }
  public Future<JsonObject> pause(At at, ScriptArgs.OfStation a) { return run("pause", at, a); }
  public Future<JsonObject> resume(At at, ScriptArgs.OfStation a) { return run("resume", at, a); }
  public Future<JsonObject> transfer(At at, ScriptArgs.Transfer a) { return run("transfer", at, a); }
  public Future<JsonObject> reinstate(At at, ScriptArgs.OfNumber a) { return run("reinstate", at, a); }
  public Future<JsonObject> tick(At at, ScriptArgs.Tick a) { return run("tick", at, a); }
  public Future<JsonObject> settings(At at, ScriptArgs.Settings a) { return run("settings", at, a); }
  public Future<JsonObject> snapshot(At at, ScriptArgs.Snapshot a) { return run("snapshot", at, a); }
  public Future<JsonObject> ticket(At at, ScriptArgs.OfNumber a) { return run("ticket", at, a); }
  public Future<JsonObject> book(At at, ScriptArgs.Book a) { return run("book", at, a); }
  public Future<JsonObject> restore(At at, ScriptArgs.Restore a) { return run("restore", at, a); }
  public Future<JsonObject> say(At at, ScriptArgs.Say a) { return run("say", at, a); }
  public Future<JsonObject> displayAcks(At at, ScriptArgs.DisplayAcks a) { return run("display_acks", at, a); }
  public Future<JsonObject> rateLimit(At at, ScriptArgs.RateLimit a) { return run("rate_limit", at, a); }
  public Future<JsonObject> rateQueue(At at, ScriptArgs.RateQueue a) { return run("rate_queue", at, a); }
  public Future<JsonObject> loginGuard(At at, ScriptArgs.LoginGuard a) { return run("login_guard", at, a); }
  public Future<JsonObject> waitAccuracy(At at) { return run("wait_accuracy", at, new ScriptArgs.None()); }
  public Future<JsonObject> dayStats(At at) { return run("day_stats", at, new ScriptArgs.None()); }
  public Future<JsonObject> observation(At at, ScriptArgs.Observation a) { return run("observation", at, a); }
  public Future<JsonObject> observeExtend(At at, ScriptArgs.OfNumber a) { return run("observe_extend", at, a); }
  public Future<JsonObject> observeReaction(At at, ScriptArgs.Reaction a) { return run("observe_reaction", at, a); }
  public Future<JsonObject> observeClear(At at, ScriptArgs.OfNumber a) { return run("observe_clear", at, a); }
  public Future<JsonObject> observeRelease(At at, ScriptArgs.OfNumber a) { return run("observe_release", at, a); }
  public Future<JsonObject> siteMode(At at, ScriptArgs.SiteMode a) { return run("site_mode", at, a); }

  /** The script's arguments as the one JSON value it reads (ARGV[4]). */
  public static String json(Record args) {
    try {
      return JSON.writeValueAsString(args);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
      .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

  private Future<JsonObject> run(String name, At at, Record args) {
    Script script = scripts.get(name);
    if (ARGS.get(name) != args.getClass()) throw new IllegalArgumentException(name + " takes " + ARGS.get(name).getSimpleName());
    String json = json(args);
    return exec(script, call(Command.EVALSHA, script.sha(), at, json))
        .recover(err -> err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")
            ? exec(script, call(Command.EVAL, script.source(), at, json))
            : Future.failedFuture(err))
        .map(response -> new JsonObject(response.toString()));
  }

  private static Request call(Command cmd, String shaOrSource, At at, String json) {
    Request req = Request.cmd(cmd).arg(shaOrSource).arg(at.keys().size());
    for (String k : at.keys()) req.arg(k);
    req.arg(at.nowMs()).arg(at.day()).arg(at.actor()).arg(json);
    return at.session() == null ? req : req.arg(at.session());
  }

  /** The script call, followed on the same connection by WAIT when its writes must reach replicas first. */
  private Future<Response> exec(Script script, Request call) {
    if (waitReplicas == 0 || NO_WAIT.contains(script.name())) return send(call);
    long waitMs = Math.max(1, timeoutMs / 2);
    return redis.batch(List.of(call, Request.cmd(Command.WAIT).arg(waitReplicas).arg(waitMs)))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(unbatched(err)))
        .compose(replies -> {
          int confirmed = replies.get(1).toInteger();
          if (confirmed < waitReplicas) {
            return Future.failedFuture(new StoreUnavailable(new io.vertx.core.VertxException(
                confirmed + " of " + waitReplicas + " replicas confirmed the write within " + waitMs + " ms", true)));
          }
          return Future.succeededFuture(replies.get(0));
        });
  }

  /**
   * A failed batch says "ERR [i] &lt;error&gt;": the error itself, as {@link #send} would have
   * classified it (NOSCRIPT, a script error, or an outage such as READONLY or a lost connection).
   */
  private static Throwable unbatched(Throwable err) {
    String m = err.getMessage() == null ? "" : err.getMessage();
    java.util.regex.Matcher inner = BATCH_ERROR.matcher(m);
    if (inner.find()) m = inner.group(1);
    io.vertx.core.VertxException e = new io.vertx.core.VertxException(m, err, true);
    return StoreUnavailable.isScriptOrCommandError(e) ? e : new StoreUnavailable(e);
  }

  private static final java.util.regex.Pattern BATCH_ERROR = java.util.regex.Pattern.compile("^ERR \\[\\d+\\] (.*)", java.util.regex.Pattern.DOTALL);

  /** Any Redis command with the store's timeout; connection problems become {@link StoreUnavailable}. */
  public Future<Response> send(Request request) {
    return redis.send(request)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(StoreUnavailable.isScriptOrCommandError(err) ? err : new StoreUnavailable(err)));
  }

  /** The includes a script names in its header: "-- include: site, tokens" ("(core only)": none). */
  static List<String> includes(String name, String source) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^-- include: (.+)$").matcher(source);
    if (!m.find()) throw new IllegalStateException(name + ".lua names no includes (-- include: ...)");
    String list = m.group(1).strip();
    if (list.startsWith("(")) return List.of();
    return java.util.Arrays.stream(list.split(",")).map(String::strip).toList();
  }

  /** The SHA1 of a script as loaded (its includes prepended): what EVALSHA names. */
  public String sha(String name) {
    return scripts.get(name).sha();
  }

  public Redis redis() {
    return redis;
  }

  private static String resource(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream("/lua/" + name)) {
      if (in == null) throw new IllegalStateException("missing /lua/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
