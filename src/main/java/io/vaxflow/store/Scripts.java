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
 * The store: the site's transitions as Lua scripts (src/main/resources/lua), the ones of the table
 * {@link Script}, each run with one EVALSHA: one round trip per transition. A script's own arguments
 * are one record of {@link ScriptArgs}, sent as one JSON value. {@code lib/core.lua} is prepended to every script, then the
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

  /** A script as loaded: its source with its includes prepended, and that source's SHA1. */
  private record Loaded(Script<?> script, String source, String sha) {}

  private final Redis redis;
  private final StoreOutages outages = new StoreOutages();
  private final long timeoutMs;
  private final int waitReplicas;
  private final Map<Script<?>, Loaded> scripts = new LinkedHashMap<>();

  public Scripts(Redis redis, long timeoutMs) {
    this(redis, timeoutMs, 0);
  }

  /** {@code waitReplicas}: replicas that must confirm each writing script before its reply counts. */
  public Scripts(Redis redis, long timeoutMs, int waitReplicas) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    this.waitReplicas = waitReplicas;
    String core = resource("lib/core.lua");
    for (Script<?> script : Script.all()) {
      String name = script.name();
      String own = resource(name + ".lua");
      StringBuilder source = new StringBuilder(core);
      for (String include : includes(name, own)) source.append("\n").append(resource("lib/" + include + ".lua"));
      source.append("\n-- ").append(name).append(".lua\n").append(own);
      scripts.put(script, new Loaded(script, source.toString(), sha1(source.toString())));
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

  /**
   * Runs {@code script} (one EVALSHA) with its arguments as the one JSON value it reads; the JSON
   * reply as the script gave it ({@code err} in it: a domain rejection).
   */
  public <A extends Record> Future<JsonObject> run(Script<A> script, At at, A args) {
    Loaded loaded = scripts.get(script);
    String json = json(args);
    return exec(loaded, call(Command.EVALSHA, loaded.sha(), at, json))
        .recover(err -> err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")
            ? exec(loaded, call(Command.EVAL, loaded.source(), at, json))
            : Future.failedFuture(err))
        .map(response -> new JsonObject(response.toString()));
  }

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

  private static Request call(Command cmd, String shaOrSource, At at, String json) {
    Request req = Request.cmd(cmd).arg(shaOrSource).arg(at.keys().size());
    for (String k : at.keys()) req.arg(k);
    req.arg(at.nowMs()).arg(at.day()).arg(at.actor()).arg(json);
    return at.session() == null ? req : req.arg(at.session());
  }

  /** The script call, followed on the same connection by WAIT when its writes must reach replicas first. */
  private Future<Response> exec(Loaded loaded, Request call) {
    if (waitReplicas == 0 || !loaded.script().waited()) return send(call);
    long waitMs = Math.max(1, timeoutMs / 2);
    return redis.batch(List.of(call, Request.cmd(Command.WAIT).arg(waitReplicas).arg(waitMs)))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(outage(unbatched(err))))
        .compose(replies -> {
          int confirmed = replies.get(1).toInteger();
          if (confirmed < waitReplicas) {
            return Future.failedFuture(outage(new StoreUnavailable(new io.vertx.core.VertxException(
                confirmed + " of " + waitReplicas + " replicas confirmed the write within " + waitMs + " ms", true))));
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

  /**
   * Any Redis command with the store's timeout; connection problems and refusals to write (OOM, READONLY, MISCONF)
   * become {@link StoreUnavailable}, logged in proportion ({@link StoreOutages}).
   */
  public Future<Response> send(Request request) {
    return redis.send(request)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(StoreUnavailable.isScriptOrCommandError(err) ? err : outage(new StoreUnavailable(err))));
  }

  private Throwable outage(Throwable err) {
    if (err instanceof StoreUnavailable e) outages.met(e);
    return err;
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
  public String sha(Script<?> script) {
    return scripts.get(script).sha();
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
