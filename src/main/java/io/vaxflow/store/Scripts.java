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
 * The site's transitions as Lua scripts (src/main/resources/lua), each run with one EVALSHA:
 * one round trip per transition. {@code lib/core.lua} is prepended to every script, then the
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

  public static final List<String> NAMES = List.of(
      "checkin", "door_scan", "call_next", "recall", "start", "done", "no_show", "return",
      "transfer", "pause", "resume", "reinstate", "tick", "settings", "snapshot", "ticket", "book",
      "rate_limit", "login_guard", "restore", "say", "display_acks", "rate_queue",
      "site_mode");

  /** Scripts that change nothing a client is told about: not waited for (rate_limit's buckets are best effort). */
  private static final java.util.Set<String> NO_WAIT = java.util.Set.of("snapshot", "ticket", "rate_limit");

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
   * Runs a script for a site. {@code args} follow the common ARGV[1..3] (now, day, actor).
   * The script's JSON reply comes back as it is; {@code err} in it is a domain rejection.
   */
  public Future<JsonObject> run(String name, String site, long nowMs, String day, String actor, List<String> args) {
    return run(name, List.of(SiteKeys.prefix(site)), nowMs, day, actor, args);
  }

  /** Runs a script with the given KEYS (all in one hash slot; KEYS[1] names the site's prefix for site scripts). */
  public Future<JsonObject> run(String name, List<String> keys, long nowMs, String day, String actor, List<String> args) {
    Script script = scripts.get(name);
    if (script == null) throw new IllegalArgumentException("no script " + name);
    return exec(script, call(Command.EVALSHA, script.sha(), keys, nowMs, day, actor, args))
        .recover(err -> err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")
            ? exec(script, call(Command.EVAL, script.source(), keys, nowMs, day, actor, args))
            : Future.failedFuture(err))
        .map(response -> new JsonObject(response.toString()));
  }

  private static Request call(Command cmd, String shaOrSource, List<String> keys, long nowMs, String day, String actor,
                              List<String> args) {
    Request req = Request.cmd(cmd).arg(shaOrSource).arg(keys.size());
    for (String k : keys) req.arg(k);
    req.arg(nowMs).arg(day).arg(actor);
    for (String a : args) req.arg(a);
    return req;
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
