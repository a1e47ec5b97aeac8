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
 * one round trip per transition. {@code lib.lua} is prepended to every script. After a Redis
 * restart the script cache is empty: a NOSCRIPT reply loads the script and runs it again.
 */
public final class Scripts {

  public static final List<String> NAMES = List.of(
      "checkin", "door_scan", "call_next", "recall", "start", "done", "no_show", "return",
      "transfer", "pause", "resume", "reinstate", "tick", "settings", "snapshot", "ticket", "book",
      "rate_limit", "login_guard", "restore", "say", "display_acks", "rate_queue");

  private record Script(String name, String source, String sha) {}

  private final Redis redis;
  private final long timeoutMs;
  private final Map<String, Script> scripts = new LinkedHashMap<>();

  public Scripts(Redis redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    String lib = resource("lib.lua");
    for (String name : NAMES) {
      String source = lib + "\n-- " + name + ".lua\n" + resource(name + ".lua");
      scripts.put(name, new Script(name, source, sha1(source)));
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
    return evalsha(script, keys, nowMs, day, actor, args)
        .recover(err -> {
          if (err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")) {
            return send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source()))
                .compose(loaded -> evalsha(script, keys, nowMs, day, actor, args));
          }
          return Future.failedFuture(err);
        })
        .map(response -> new JsonObject(response.toString()));
  }

  private Future<Response> evalsha(Script script, List<String> keys, long nowMs, String day, String actor, List<String> args) {
    Request req = Request.cmd(Command.EVALSHA).arg(script.sha()).arg(keys.size());
    for (String k : keys) req.arg(k);
    req.arg(nowMs).arg(day).arg(actor);
    for (String a : args) req.arg(a);
    return send(req);
  }

  /** Any Redis command with the store's timeout; connection problems become {@link StoreUnavailable}. */
  public Future<Response> send(Request request) {
    return redis.send(request)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(StoreUnavailable.isScriptOrCommandError(err) ? err : new StoreUnavailable(err)));
  }

  /** The SHA1 of a script as loaded (lib.lua prepended): what EVALSHA names. */
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
