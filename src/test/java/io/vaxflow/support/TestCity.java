package io.vaxflow.support;

import io.vaxflow.VaxflowServer;
import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.VaxflowConfig;
import io.vaxflow.store.RedisLauncher;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real Vaxflow for tests: its own redis-server in a temp dir and the server on a free loopback
 * port, configured from config/vaxflow.yaml plus environment-style overrides. Calls block the test
 * thread (never an event loop). Close it to stop both.
 *
 * <p><b>One city per class.</b> Starting a city costs a redis-server, a Vert.x and a server; a class
 * starts one and gives every test a fresh one on the same redis-server (redisson's BaseTest):
 * <pre>
 *   static TestCity city;
 *   &#64;BeforeAll static void start() { city = TestCity.start(SETTINGS); }
 *   &#64;BeforeEach void fresh() { city = city.reset(); }   // only if the tests need an empty city
 *   &#64;AfterAll static void stop() { if (city != null) city.close(); }
 * </pre>
 * {@link #reset} empties Redis and starts a new server with the same settings and clock (a simulated
 * one rewound), so nothing a test did (tickets, sessions, rate limits, refused addresses, displays,
 * what the server remembers in memory) reaches the next, and the data-loss guard never sees an
 * emptied Redis under a running server. Tests whose settings differ share a class's city when they
 * can set them through the API (FlowKit.capacities). Staff log in with the README's PINs, hashed at
 * the fewest iterations a config may hold ({@link TestPins}). A test that waits for domain time
 * runs the server on a {@link SimClock} ({@link #startOn}) and moves it; docs/architecture.md,
 * "Tests", has the rest.
 */
public final class TestCity implements AutoCloseable {

  /** Monday 2026-11-24 10:00 in Shanghai: the demo sites are open. */
  public static final String MORNING = "2026-11-24T02:00:00Z";
  public static final String TODAY = "2026-11-24";
  private static final Path DEMO_CONFIG = Path.of("config/vaxflow.yaml");

  public final RedisLauncher redis;
  public final Vertx vertx;
  public final VaxflowConfig config;
  public final VaxflowServer server;
  public final WebClient http;
  private final Redis redisClient;
  private final String redisUrl;
  private final Map<String, String> overrides;
  private final Path configFile;
  private final java.time.Clock clock;
  /** Whether close() stops the redis-server too; handed on by {@link #reset}. */
  private boolean ownsRedis;

  /**
   * {@code redis} null: the deployment named by {@code overrides} (REDIS_TYPE, REDIS_URL, ...).
   * {@code clock} null: the server's own (CLOCK); else the server runs on it (a test's simulated day).
   * {@code flush}: Redis is emptied before the server starts ({@link #reset}).
   */
  private TestCity(RedisLauncher redis, String redisUrl, boolean ownsRedis, Map<String, String> overrides, Path configFile,
                   java.time.Clock clock, boolean flush) {
    this(redis, redisUrl, ownsRedis, overrides, configFile, clock, flush, c -> { });
  }

  /** {@code seed}: what the test writes into the emptied Redis before the server starts (its tails then never read it). */
  private TestCity(RedisLauncher redis, String redisUrl, boolean ownsRedis, Map<String, String> overrides, Path configFile,
                   java.time.Clock clock, boolean flush, java.util.function.Consumer<TestCity> seed) {
    this.redis = redis;
    this.redisUrl = redisUrl;
    this.ownsRedis = ownsRedis;
    this.overrides = Map.copyOf(overrides);
    this.configFile = configFile;
    this.clock = clock;
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("CLOCK", MORNING);
    env.put("VAXFLOW_HTTP_HOST", "127.0.0.1");
    env.put("VAXFLOW_FLOW_TICKMS", "100");
    // Tests drive thousands of requests from one address: limits are lifted unless a test sets them.
    for (String bucket : new String[] {"KIOSK", "SITE", "BOOKING", "BOOKINGS", "LOOKUP", "LOGIN"}) {
      env.put("VAXFLOW_LIMITS_" + bucket + "_RATE", "100000");
      env.put("VAXFLOW_LIMITS_" + bucket + "_BURST", "1000000");
    }
    env.put("VAXFLOW_LIMITS_LOGINFAILURES", "1000");
    // ... and so are the one-time codes a phone or an address asks for, and the bookings one phone holds a day
    env.put("VAXFLOW_BOOKING_CODESPERPHONEHOUR", "1000000");
    env.put("VAXFLOW_BOOKING_CODESPERADDRESSHOUR", "1000000");
    env.put("VAXFLOW_BOOKING_MAXPERPHONE", "1000000");
    // a loaded 2-core CI box must not turn slow answers into 503s; outage tests set their own
    env.put("VAXFLOW_REDIS_TIMEOUTMS", "5000");
    env.putAll(TestPins.overrides(configFile));
    env.putAll(overrides);
    this.config = ConfigLoader.load(configFile, env);
    this.vertx = Vertx.vertx(io.vaxflow.Main.vertxOptions());
    this.redisClient = Redis.createClient(vertx, io.vaxflow.store.RedisDeployment.options(config.redis(), redisUrl));
    if (flush) redis(Command.FLUSHALL);
    seed.accept(this);
    this.server = (clock == null ? VaxflowServer.start(vertx, config, redisUrl)
        : VaxflowServer.start(vertx, config, redisUrl, clock)).await();
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.port()).setKeepAlive(true), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
  }

  private TestCity(RedisLauncher redis, boolean ownsRedis, Map<String, String> overrides, Path configFile, java.time.Clock clock) {
    this(redis, redis.url(), ownsRedis, overrides, configFile, clock, false);
  }

  /**
   * A fresh city for the next test: this server stopped, every key of its Redis deleted (FLUSHALL,
   * with no server running), and a new server started on it with the same settings and clock (a
   * {@link SimClock} back at its start). Use the city returned; this one is done. Servers of the
   * test's own on the same Redis must be stopped first.
   */
  public TestCity reset() {
    return reset(c -> { });
  }

  /**
   * As {@link #reset()}, with {@code seed} run on the emptied Redis before the new server starts (data a test lays
   * in directly, e.g. a big day's events, which the server's stream tails then start after).
   */
  public TestCity reset(java.util.function.Consumer<TestCity> seed) {
    if (redis == null) throw new IllegalStateException("reset() needs the city's own redis-server");
    stopServer();
    if (clock instanceof SimClock simulated) simulated.rewind();
    TestCity fresh = new TestCity(redis, redisUrl, ownsRedis, overrides, configFile, clock, true, seed);
    ownsRedis = false; // handed on: closing this one later stops nothing more
    return fresh;
  }

  /** A server on a Redis deployment the test runs itself, named by {@code overrides} (REDIS_TYPE, REDIS_URL, ...). */
  public static TestCity onDeployment(Map<String, String> overrides) {
    return new TestCity(null, overrides.get("REDIS_URL"), false, overrides, DEMO_CONFIG, null, false);
  }

  public static TestCity start(Map<String, String> overrides) {
    try {
      Path dir = Files.createTempDirectory("vaxflow-test");
      return new TestCity(RedisLauncher.start(dir), true, overrides, DEMO_CONFIG, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TestCity start() {
    return start(Map.of());
  }

  /** A city whose server runs on {@code clock} (timers, observation, leases and the figures follow it). */
  public static TestCity startOn(java.time.Clock clock, Map<String, String> overrides) {
    try {
      Path dir = Files.createTempDirectory("vaxflow-test");
      return new TestCity(RedisLauncher.start(dir), true, overrides, DEMO_CONFIG, clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A second server (or a restarted one) on an existing Redis. */
  public static TestCity on(RedisLauncher redis, Map<String, String> overrides) {
    return new TestCity(redis, false, overrides, DEMO_CONFIG, null);
  }

  /** A second server (or a restarted one) on an existing Redis, on {@code clock} (a test's simulated day). */
  public static TestCity on(RedisLauncher redis, java.time.Clock clock, Map<String, String> overrides) {
    return new TestCity(redis, false, overrides, DEMO_CONFIG, clock);
  }

  /** A server on an existing Redis, configured from {@code configFile} (a test's own city) plus overrides. */
  public static TestCity on(RedisLauncher redis, Path configFile, Map<String, String> overrides) {
    return new TestCity(redis, false, overrides, configFile, null);
  }

  public int port() {
    return server.port();
  }

  // ---- HTTP ----

  /** A response: status, headers, body as text (and as JSON when it is JSON). */
  public record Reply(int status, MultiMap headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  public Reply send(HttpMethod method, String path, String cookie, Map<String, String> headers, Buffer body) {
    var req = http.request(method, path);
    if (cookie != null) {
      req.putHeader("Cookie", cookie);
      // staff pages echo the CSRF cookie in a header; so do tests
      StaffCookies.csrf(cookie).ifPresent(t -> req.putHeader("X-CSRF-Token", t));
    }
    headers.forEach(req::putHeader);
    HttpResponse<Buffer> r = (body == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(body)).await();
    return reply(method, path, r);
  }

  /** The response as a Reply; one from the API is checked against its contract first ({@link ContractCheck}). */
  private Reply reply(HttpMethod method, String path, HttpResponse<Buffer> r) {
    Reply reply = new Reply(r.statusCode(), r.headers(), r.bodyAsString() == null ? "" : r.bodyAsString());
    ContractCheck.response(vertx, method, path, reply.status(), reply.headers(), reply.body());
    return reply;
  }

  public Reply get(String path) {
    return send(HttpMethod.GET, path, null, Map.of(), null);
  }

  public Reply get(String path, String cookie) {
    return send(HttpMethod.GET, path, cookie, Map.of(), null);
  }

  public Reply post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, null, Map.of(), body == null ? null : body.toBuffer());
  }

  public Reply post(String path, String cookie, JsonObject body) {
    return send(HttpMethod.POST, path, cookie, Map.of(), body == null ? Buffer.buffer() : body.toBuffer());
  }

  /** Logs a staff member in; returns the Cookie header value for later requests. */
  public String login(String staffId, String pin) {
    Reply r = post("/api/v1/auth/login", new JsonObject().put("staffId", staffId).put("pin", pin));
    if (r.status() != 200) throw new AssertionError("login " + staffId + ": " + r.status() + " " + r.body());
    return StaffCookies.cookieHeader(r.headers().getAll("Set-Cookie"));
  }

  /** Books someone at a site for today (both steps, {@link #booking}); returns the booking response. */
  public JsonObject book(String site, String name, String idNumber, String priority) {
    JsonObject b = new JsonObject().put("name", name).put("idNumber", idNumber).put("phone", "13800138000")
        .put("dose", 1).put("day", TODAY).put("siteId", site);
    if (priority != null) b.put("priority", priority);
    Reply r = booking(b);
    if (r.status() != 201) throw new AssertionError("booking: " + r.status() + " " + r.body());
    return r.json();
  }

  /**
   * {@code POST /api/v1/bookings} in its two steps, as the booking page takes them: the body without a code (202, a
   * code sent to the phone; the demo city's reply shows it as {@code demoCode}), then the same body with that code.
   * A first step that is not 202 (a bad field, ALREADY_BOOKED, ...) is the reply.
   */
  public Reply booking(JsonObject body) {
    return withCode("/api/v1/bookings", body);
  }

  /** A booking route ({@code /api/v1/bookings}, {@code /lookup}, {@code /change}, {@code /cancel}) in its two steps. */
  public Reply withCode(String path, JsonObject body) {
    Reply sent = post(path, body.copy());
    if (sent.status() != 202) return sent;
    String code = sent.json().getString("demoCode");
    if (code == null) throw new AssertionError(path + ": no demoCode outside demo mode: read the code from a receiver of otp");
    return post(path, body.copy().put("code", code));
  }

  /** A walk-in check-in at a site that takes them (pudong); returns the ticket. */
  public JsonObject walkIn(String site, String name, String idNumber) {
    Reply r = post("/api/v1/sites/" + site + "/checkins",
        new JsonObject().put("walkIn", new JsonObject().put("name", name).put("idNumber", idNumber).put("dose", 1)));
    if (r.status() != 201) throw new AssertionError("walk-in: " + r.status() + " " + r.body());
    return r.json().getJsonObject("ticket");
  }

  /**
   * A vial opened at a booth, as its vaccinator does before the first shot ({@code POST .../stations/{booth}/vial}): of
   * the site's demo lot whose vials hold the most doses (the demo's mRNA vaccine, 10 a vial). Where a site's stock is
   * required (the default) a booth's {@code done} is refused without one; a test that gives more shots at a booth than
   * a vial holds opens another, or runs its site with {@code VAXFLOW_SITES_<SITE>_STOCK_REQUIRED=false}.
   */
  public JsonObject openVial(String site, String cookie, String booth) {
    String lot = config.site(site).orElseThrow().stock().demoLots().stream()
        .max(java.util.Comparator.comparingInt(l -> config.product(l.product()).orElseThrow().dosesPerVial()))
        .orElseThrow(() -> new AssertionError(site + " has no demo lot")).lot();
    Reply r = post("/api/v1/sites/" + site + "/stations/" + booth + "/vial", cookie, new JsonObject().put("lot", lot));
    if (r.status() != 200) throw new AssertionError("vial at " + booth + ": " + r.status() + " " + r.body());
    return r.json().getJsonObject("vial");
  }

  // ---- Redis ----

  /** The test's own Redis client (for requests built elsewhere, e.g. {@link BigDay}). */
  public Redis redisClient() {
    return redisClient;
  }

  public Response redis(Command cmd, Object... args) {
    Request req = Request.cmd(cmd);
    for (Object a : args) req.arg(String.valueOf(a));
    return redisClient.send(req).await();
  }

  /** The keys matching {@code pattern} (SCAN, a thousand at a time). */
  public java.util.List<String> keys(String pattern) {
    java.util.List<String> out = new java.util.ArrayList<>();
    String cursor = "0";
    do {
      Response r = redis(Command.SCAN, cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = r.get(0).toString();
      for (Response k : r.get(1)) out.add(k.toString());
    } while (!cursor.equals("0"));
    return out;
  }

  /** Every key of a site with a dump of its value: to show that a failed request changed nothing. */
  public Map<String, String> siteDump(String site) {
    Map<String, String> out = new TreeMap<>();
    String cursor = "0";
    do {
      Response r = redis(Command.SCAN, cursor, "MATCH", "vf:{" + site + "}:*", "COUNT", 1000);
      cursor = r.get(0).toString();
      for (Response k : r.get(1)) {
        Response d = redis(Command.DUMP, k.toString());
        out.put(k.toString(), d == null ? "" : java.util.HexFormat.of().formatHex(d.toBytes()));
      }
    } while (!cursor.equals("0"));
    return out;
  }

  /** Calls of a command in INFO commandstats (e.g. "evalsha"). */
  public long commandCalls(String command) {
    return commandStats(redis(Command.INFO, "commandstats").toString()).getOrDefault(command, 0L);
  }

  /** The calls of each command (e.g. "evalsha") in a reply of INFO commandstats. */
  public static Map<String, Long> commandStats(String info) {
    Map<String, Long> calls = new TreeMap<>();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String n = line.substring(line.indexOf("calls=") + 6);
        calls.put(line.substring("cmdstat_".length(), line.indexOf(':')), Long.parseLong(n.substring(0, n.indexOf(','))));
      }
    }
    return calls;
  }

  /** Stops the server (and its Redis when this city started it). */
  @Override
  public void close() {
    try {
      redisClient.close();
      server.stop().await();
    } finally {
      if (ownsRedis) {
        redis.stop();
        deleteTree(redis.dataDir());
      }
    }
  }

  public static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp dir is harmless
    }
  }

  /** Stops only the server, leaving Redis running. */
  public void stopServer() {
    redisClient.close();
    server.stop().await();
  }

  /** What differs between two {@link #siteDump}s, key by key: for assertion messages. */
  public static String dumpDiff(Map<String, String> before, Map<String, String> after) {
    StringBuilder b = new StringBuilder();
    java.util.SortedSet<String> keys = new java.util.TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String k : keys) {
      String was = before.get(k), is = after.get(k);
      if (was == null) b.append("\n  + ").append(k);
      else if (is == null) b.append("\n  - ").append(k);
      else if (!was.equals(is)) b.append("\n  ~ ").append(k);
    }
    return b.length() == 0 ? "(no difference)" : b.toString();
  }

  /** Like {@link #send}, but the caller's headers as they are: no Content-Type is added. */
  public Reply sendRaw(HttpMethod method, String path, Map<String, String> headers, Buffer body) {
    var req = http.request(method, path);
    headers.forEach(req::putHeader);
    HttpResponse<Buffer> r = (body == null ? req.send() : req.sendBuffer(body)).await();
    return reply(method, path, r);
  }

  /** Like {@link #start(Map)}, but the city is read from {@code configFile} instead of config/vaxflow.yaml. */
  public static TestCity startWithConfig(Path configFile, Map<String, String> overrides) {
    try {
      Path dir = Files.createTempDirectory("vaxflow-test");
      return new TestCity(RedisLauncher.start(dir), true, overrides, configFile, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
