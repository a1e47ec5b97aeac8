package io.vaxflow.bench;

import io.vaxflow.announce.Addresses;
import io.vaxflow.store.RedisLauncher;
import io.vaxflow.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Vaxflow's benchmark: starts Redis and the server (as a separate process, from target/vaxflow.jar)
 * and reports, in one run, its figures next to the limits of the same machine:
 * <ul>
 *   <li>check-ins per second and latency percentiles under open-loop load (fixed arrival rate,
 *       latency measured from the intended send time), next to the no-op endpoint {@code /ping}
 *       of the same server and to {@code redis-benchmark} running the same check-in script;</li>
 *   <li>Redis round trips per check-in and per call-next, from {@code INFO commandstats};</li>
 *   <li>call-to-screen latency (the message's server timestamp to its receipt) at 500 SockJS
 *       clients, every repetition counted, next to a bare WebSocket broadcast to 500 clients;</li>
 *   <li>the server's resident memory at that load.</li>
 * </ul>
 * Run it with {@code bench/run}; it writes bench/results.md.
 */
public final class Benchmark {

  private static final int CLIENTS = Integer.getInteger("bench.clients", 500);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int[] RATES = Arrays.stream(System.getProperty("bench.rates", "250,500,1000,2000,3000").split(","))
      .mapToInt(Integer::parseInt).toArray();
  private static final int CONCURRENCY = 64;
  /** {@code -Dbench.ackflood=only}: just the check-in latency with and without an ack flood. */
  private static final boolean ACK_FLOOD_ONLY = "only".equals(System.getProperty("bench.ackflood"));
  private static final int ACK_FLOOD_RATE = Integer.getInteger("bench.ackflood.rate", 250);

  private final StringBuilder out = new StringBuilder();
  private final Vertx vertx = Vertx.vertx();
  private HttpClient http;
  private int port;
  private String cookie;
  private String csrf;

  public static void main(String[] args) throws Exception {
    new Benchmark().run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-bench");
    RedisLauncher redis = RedisLauncher.start(dir.resolve("redis"));
    port = freePort();
    Process server = startServer(redis.url(), dir);
    Process bare = null;
    try {
      http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
          .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(CONCURRENCY).setMaxWaitQueueSize(1_000_000));
      waitHealthy();
      line("# Vaxflow benchmark");
      line("");
      line("Run " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores, "
          + System.getProperty("os.name") + ", Java " + System.getProperty("java.version")
          + ". Server: `java -jar target/vaxflow.jar` (own process, Redis " + redisVersion(redis) + " on loopback); "
          + "load generator: this JVM, " + CONCURRENCY + " keep-alive connections, open loop, "
          + SECONDS + " s per rate.");
      line("");

      // warm up the JIT of both sides
      openLoop("GET", "/ping", null, 500, 3, false);
      openLoop("POST", "/api/v1/sites/pudong/checkins", this::walkIn, 200, 3, false);

      if (ACK_FLOOD_ONLY) {
        ackFlood();
        System.out.println(out);
        return;
      }

      line("## Redis round trips (seen with MONITOR)");
      line("");
      roundTrips(redis);
      line("");

      line("## Throughput and latency (open loop; latency from the intended send time)");
      line("");
      line("| endpoint | offered /s | done /s | p50 ms | p90 ms | p99 ms | max ms | errors |");
      line("|---|---:|---:|---:|---:|---:|---:|---:|");
      for (int rate : new int[] {1000, 2000, 4000}) openLoop("GET", "/ping", null, rate, SECONDS, true);
      for (int rate : RATES) openLoop("POST", "/api/v1/sites/pudong/checkins", this::walkIn, rate, SECONDS, true);
      line("");

      line("## Redis alone: `redis-benchmark` running the same check-in script (EVALSHA, walk-ins at a site sized alike), -c " + CONCURRENCY);
      line("");
      line(redisBenchmark(redis));
      line("");


      ackFlood();
      line("");

      line("## Call-to-screen latency at " + CLIENTS + " connected clients (every repetition counted)");
      line("");
      line("| path | clients | messages expected | received | p50 ms | p90 ms | p99 ms | max ms |");
      line("|---|---:|---:|---:|---:|---:|---:|---:|");
      long rss = callToScreen(server);
      int barePort = freePort();
      bare = startBare(barePort);
      bareBroadcast(barePort);
      line("");
      line("## Memory");
      line("");
      line("Server resident set size with " + CLIENTS + " SockJS clients connected, after the load above: **"
          + rss / 1024 + " MiB** (server JVM started with `-Xmx512m`).");
      System.out.println(out);
      Files.writeString(Path.of("bench/results.md"), out.toString());
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
      server.destroyForcibly();
      if (bare != null) bare.destroyForcibly();
      redis.stop();
      vertx.close();
    }
  }

  // ---- throughput ----

  private final AtomicLong seq = new AtomicLong();

  private Buffer walkIn() {
    long n = seq.incrementAndGet();
    return new JsonObject().put("walkIn", new JsonObject().put("name", "Bench Person")
        .put("idNumber", "B" + (100000000L + n)).put("dose", 1)).toBuffer();
  }

  private void openLoop(String method, String path, java.util.function.Supplier<Buffer> body, int rate, int seconds,
                        boolean report) throws InterruptedException {
    int total = rate * seconds;
    long[] latencyNs = new long[total];
    AtomicInteger done = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(total);
    long start = System.nanoTime() + 50_000_000L;
    long[] nextIndex = {0};
    long timer = vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (nextIndex[0] < total && start + nextIndex[0] * 1_000_000_000L / rate <= now) {
        int i = (int) nextIndex[0]++;
        long intended = start + (long) i * 1_000_000_000L / rate;
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setURI(path);
        Future<Buffer> f = http.request(o).compose(req -> {
          if (body != null) {
            req.putHeader("Content-Type", "application/json");
            return req.send(body.get());
          }
          return req.send();
        }).compose(resp -> {
          if (resp.statusCode() >= 300) errors.incrementAndGet();
          return resp.body();
        });
        f.onComplete(ar -> {
          if (ar.failed()) errors.incrementAndGet();
          latencyNs[i] = System.nanoTime() - intended;
          done.incrementAndGet();
          finished.countDown();
        });
      }
    });
    finished.await(seconds + 60L, TimeUnit.SECONDS);
    vertx.cancelTimer(timer);
    long elapsed = System.nanoTime() - start;
    if (!report) return;
    long[] sorted = Arrays.copyOf(latencyNs, done.get());
    Arrays.sort(sorted);
    line(String.format(Locale.ROOT, "| `%s %s` | %d | %.0f | %s | %s | %s | %s | %d |", method, path, rate,
        done.get() / (elapsed / 1e9), ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 1.0), errors.get()));
  }

  private static String ms(long[] sortedNs, double q) {
    if (sortedNs.length == 0) return "-";
    int i = Math.min(sortedNs.length - 1, (int) Math.ceil(q * sortedNs.length) - 1);
    return String.format(Locale.ROOT, "%.1f", sortedNs[Math.max(0, i)] / 1e6);
  }

  // ---- an anonymous ack flood ----

  /**
   * Check-in latency at {@link #ACK_FLOOD_RATE}/s, first alone, then while 4 anonymous SockJS
   * sockets send display acks as fast as they can (each naming another display), in the same run.
   */
  private void ackFlood() throws Exception {
    line("## Check-in while anonymous sockets flood display acks (open loop, " + ACK_FLOOD_RATE + "/s, " + SECONDS + " s each)");
    line("");
    line("| endpoint | offered /s | done /s | p50 ms | p90 ms | p99 ms | max ms | errors |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|");
    openLoop("POST", "/api/v1/sites/pudong/checkins", this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    WebSocketClient wsc = vertx.createWebSocketClient();
    List<WebSocket> flooders = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) {
      flooders.add(wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/eventbus/websocket")).await());
    }
    AtomicLong acks = new AtomicLong();
    AtomicLong reconnects = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread flood = new Thread(() -> {
      long i = 0;
      while (flooding.get() && i < 50_000_000L) {
        int slot = (int) (i % flooders.size());
        WebSocket ws = flooders.get(slot);
        if (ws.isClosed()) { // closed by the server: connect again, as an attacker would
          try {
            flooders.set(slot, wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/eventbus/websocket")).await());
            reconnects.incrementAndGet();
          } catch (RuntimeException e) {
            Thread.onSpinWait();
          }
          continue;
        }
        if (ws.writeQueueFull()) {
          Thread.onSpinWait();
          i++;
          continue;
        }
        ws.writeTextMessage(new JsonObject().put("type", "send").put("address", Addresses.ack("pudong"))
            .put("body", new JsonObject().put("callId", "1-" + i).put("repeat", 1).put("displayId", "flood-" + i)).encode());
        acks.incrementAndGet();
        i++;
      }
    }, "ack-flood");
    flood.start();
    Thread.sleep(1000);
    long before = acks.get();
    long t0 = System.nanoTime();
    openLoop("POST", "/api/v1/sites/pudong/checkins", this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    double ackRate = (acks.get() - before) / ((System.nanoTime() - t0) / 1e9);
    flooding.set(false);
    flood.join();
    for (WebSocket ws : flooders) ws.close();
    wsc.close();
    line("");
    line(String.format(Locale.ROOT, "Second row: during a flood of %.0f acks/s from 4 sockets (%d sent in all; "
        + "the server closed flooding sockets and they connected again %d times).", ackRate, acks.get(), reconnects.get()));
  }

  // ---- redis-benchmark ----

  private String redisBenchmark(RedisLauncher redis) throws Exception {
    String sha = new Scripts(null, 0).sha("checkin");
    long now = System.currentTimeMillis() + Duration_SKEW;
    List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(redis.port()),
        "-c", String.valueOf(CONCURRENCY), "-n", "50000", "-r", "1000000000", "-q",
        "EVALSHA", sha, "3", "vf:{xuhui}", "rl:{xuhui}:kiosk:bench", "rl:{xuhui}:site",
        String.valueOf(now), "2026-11-24", "kiosk", "walkin", "", "", "Bench Person", "R__rand_int__", "1",
        "3600000", "100000", "1000000", "100000", "1000000", "", "", ""));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      String last = text.lines().filter(l -> l.contains("requests per second")).reduce((a, b) -> b).orElse(text);
      return "`" + last.replaceAll(".*\r", "").strip() + "`";
    } catch (IOException e) {
      return "redis-benchmark is not installed (apt-get install redis-tools); skipped.";
    }
  }

  /** The server's clock (CLOCK) is not needed by redis-benchmark: its now only has to be a number. */
  private static final long Duration_SKEW = 0;

  // ---- round trips ----

  /**
   * Round trips a request costs: commands clients sent, seen with MONITOR (INFO commandstats also
   * counts the commands a script runs inside Redis). Left out: commands of scripts ("lua"), the
   * stream tail's XREAD BLOCK and the background snapshot and timer sweep (actors public, system).
   */
  private void roundTrips(RedisLauncher redis) throws Exception {
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    java.net.Socket monitor = new java.net.Socket("127.0.0.1", redis.port());
    monitor.getOutputStream().write("MONITOR\r\n".getBytes());
    var in = new java.io.BufferedReader(new java.io.InputStreamReader(monitor.getInputStream()));
    in.readLine();
    Thread reader = new Thread(() -> {
      try {
        for (String l; (l = in.readLine()) != null; ) {
          if (l.contains("[0 lua]") || l.contains("\"xread\"") || l.contains("\"public\"") || l.contains("\"system\"")) continue;
          seen.add(l);
        }
      } catch (IOException ignored) {
        // closed
      }
    });
    reader.setDaemon(true);
    reader.start();
    Thread.sleep(300);

    int n = 200;
    seen.clear();
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      numbers.add(send("POST", "/api/v1/sites/pudong/checkins", walkIn(), false).await()
          .json().getJsonObject("ticket").getString("number"));
    }
    Thread.sleep(300);
    int perCheckin = seen.size();
    login();
    // desks take tickets from the room queue: the door lets these in first (the room is large here)
    for (String number : numbers) {
      Reply r = send("POST", "/api/v1/sites/pudong/door/scan", new JsonObject().put("number", number).toBuffer(), true).await();
      if (r.statusCode() != 200) throw new IllegalStateException("door scan " + number + ": " + r.statusCode() + " " + r.body());
    }
    Thread.sleep(300);
    int nexts = 100;
    seen.clear();
    for (int i = 0; i < nexts; i++) {
      Reply r = send("POST", "/api/v1/sites/pudong/stations/desk-1/next", null, true).await();
      if (r.statusCode() != 200) throw new IllegalStateException("next: " + r.statusCode() + " " + r.body());
      send("POST", "/api/v1/sites/pudong/stations/desk-1/done", null, true).await();
    }
    Thread.sleep(300);
    monitor.close();
    // every command of the loop but the EVALSHAs of "done": the nexts' scripts and any session reads
    String doneSha = new Scripts(null, 0).sha("done");
    long nextCommands;
    synchronized (seen) {
      nextCommands = seen.stream().filter(l -> !l.contains(doneSha)).count();
    }
    line(String.format(Locale.ROOT, "- check-in (walk-in): **%.2f** Redis round trips per request (%d check-ins)",
        perCheckin / (double) n, n));
    line(String.format(Locale.ROOT, "- call-next: **%.2f** Redis round trips per request (%d calls; the staff session "
        + "is read from Redis at most once per 5 s and remembered in between)", nextCommands / (double) nexts, nexts));
  }

  private long commands(Redis r) {
    String info = r.send(Request.cmd(Command.INFO).arg("commandstats")).await().toString();
    long sum = 0;
    for (String l : info.split("\r?\n")) {
      if (l.startsWith("cmdstat_")) {
        String c = l.substring(l.indexOf("calls=") + 6);
        sum += Long.parseLong(c.substring(0, c.indexOf(',')));
      }
    }
    return sum;
  }

  private void login() {
    var resp = http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/auth/login"))
        .compose(req -> req.putHeader("Content-Type", "application/json")
            .send(new JsonObject().put("staffId", "manager").put("pin", "2468").encode()))
        .await();
    StringBuilder c = new StringBuilder();
    for (String sc : resp.cookies()) {
      String kv = sc.substring(0, sc.indexOf(';'));
      if (kv.startsWith("vf_csrf=")) csrf = kv.substring(8);
      c.append(c.length() == 0 ? "" : "; ").append(kv);
    }
    cookie = c.toString();
  }

  private record Reply(int statusCode, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Future<Reply> send(String method, String path, Buffer body, boolean staff) {
    return http.request(new RequestOptions().setMethod(HttpMethod.valueOf(method)).setURI(path)).compose(req -> {
      if (staff) req.putHeader("Cookie", cookie).putHeader("X-CSRF-Token", csrf);
      if (body != null) req.putHeader("Content-Type", "application/json");
      return (body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString())));
    });
  }

  // ---- live messages ----

  private long callToScreen(Process server) throws Exception {
    WebSocketClient wsc = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(CLIENTS + 10));
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger received = new AtomicInteger();
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      WebSocket ws = wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/eventbus/websocket")).await();
      ws.handler(b -> {
        long now = System.currentTimeMillis();
        JsonObject f = new JsonObject(b.toString());
        if (!"rec".equals(f.getString("type"))) return;
        latencies.add(now - f.getJsonObject("body").getLong("sentAt"));
        received.incrementAndGet();
      });
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", Addresses.calls("jingan")).encode());
      sockets.add(ws);
    }
    Thread.sleep(1000);
    long rss = rssKb(server);
    // 20 calls: each check-in at jingan (appointments only) is a booking + check-in; use the API
    int calls = 20;
    for (int i = 0; i < calls; i++) {
      String voucher = book("jingan", i);
      send("POST", "/api/v1/sites/jingan/checkins", new JsonObject().put("voucher", voucher).toBuffer(), false).await();
      Thread.sleep(100);
    }
    int expected = calls * 3 * CLIENTS;
    long end = System.currentTimeMillis() + 15_000;
    while (received.get() < expected && System.currentTimeMillis() < end) Thread.sleep(100);
    rss = Math.max(rss, rssKb(server));
    report("Vaxflow: SockJS bridge, `vaxflow.site.{site}.calls`", expected, received.get(), latencies);
    for (WebSocket ws : sockets) ws.close();
    return rss;
  }

  private String book(String site, int i) {
    var resp = http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/bookings"))
        .compose(req -> req.putHeader("Content-Type", "application/json").send(new JsonObject()
            .put("name", "Bench Caller").put("idNumber", "C" + (200000000L + i)).put("phone", "13800138000")
            .put("dose", 1).put("day", "2026-11-24").put("siteId", site).encode()))
        .compose(r -> r.body()).await();
    return new JsonObject(resp).getString("voucher");
  }

  private void bareBroadcast(int barePort) throws Exception {
    WebSocketClient wsc = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(CLIENTS + 10));
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger received = new AtomicInteger();
    for (int i = 0; i < CLIENTS; i++) {
      WebSocket ws = wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(barePort).setURI("/")).await();
      ws.handler(b -> {
        long now = System.currentTimeMillis();
        latencies.add(now - new JsonObject(b.toString()).getLong("sentAt"));
        received.incrementAndGet();
      });
    }
    Thread.sleep(500);
    int messages = 60;
    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + barePort + "/go?n=" + messages + "&ms=33")).build(), HttpResponse.BodyHandlers.ofString());
    int expected = messages * CLIENTS;
    long end = System.currentTimeMillis() + 15_000;
    while (received.get() < expected && System.currentTimeMillis() < end) Thread.sleep(100);
    report("bare Vert.x WebSocket broadcast (own process)", expected, received.get(), latencies);
  }

  private void report(String what, int expected, int received, List<Long> latencies) {
    long[] sorted;
    synchronized (latencies) {
      sorted = latencies.stream().mapToLong(Long::longValue).map(ms -> ms * 1_000_000L).sorted().toArray();
    }
    line(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %s | %s |", what, CLIENTS, expected, received,
        ms(sorted, 0.5), ms(sorted, 0.9), ms(sorted, 0.99), ms(sorted, 1.0)));
  }

  // ---- processes ----

  private Process startServer(String redisUrl, Path dir) throws IOException {
    // a copy: a rebuild of target/ during the run must not pull classes from under the server
    // without the packaged jar (an offline build), the classes this benchmark runs from
    List<String> command = Files.exists(Path.of("target/vaxflow.jar"))
        ? List.of("java", "-Xmx512m", "-jar", Files.copy(Path.of("target/vaxflow.jar"), dir.resolve("vaxflow.jar")).toString())
        : List.of("java", "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.vaxflow.Main");
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("REDIS_URL", redisUrl);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("DATA_DIR", dir.toString());
    env.put("CLOCK", "2026-11-24T02:00:00Z");
    env.put("VAXFLOW_HTTP_HOST", "127.0.0.1");
    env.put("VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000");
    env.put("VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "10000");
    // redis-benchmark runs the check-in script against xuhui, sized like pudong
    env.put("VAXFLOW_SITES_XUHUI_HALLCAPACITY", "100000");
    env.put("VAXFLOW_SITES_XUHUI_ROOMCAPACITY", "10000");
    env.put("VAXFLOW_SITES_JINGAN_ROOMCAPACITY", "10000");
    env.put("VAXFLOW_SITES_JINGAN_SLOTCAPACITY", "100000");
    env.put("VAXFLOW_ANNOUNCE_INTERVALSEC", "1");
    for (String b : List.of("KIOSK", "SITE", "BOOKING", "BOOKINGS", "LOOKUP", "LOGIN")) {
      env.put("VAXFLOW_LIMITS_" + b + "_RATE", "1000000");
      env.put("VAXFLOW_LIMITS_" + b + "_BURST", "1000000");
    }
    return pb.start();
  }

  private Process startBare(int barePort) throws Exception {
    String cp = System.getProperty("java.class.path");
    Process p = new ProcessBuilder("java", "-Xmx256m", "-cp", cp, BareBroadcast.class.getName(), String.valueOf(barePort))
        .redirectErrorStream(true).start();
    byte[] buf = new byte[64];
    int n = p.getInputStream().read(buf); // "ready"
    if (n <= 0) throw new IOException("bare broadcast server did not start");
    return p;
  }

  private void waitHealthy() throws InterruptedException {
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      try {
        if (send("GET", "/health", null, false).await().statusCode() == 200) return;
      } catch (Exception e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("server did not become healthy; see its log");
  }

  private static long rssKb(Process p) throws IOException {
    for (String l : Files.readAllLines(new File("/proc/" + p.pid() + "/status").toPath())) {
      if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
    }
    return 0;
  }

  private static String redisVersion(RedisLauncher redis) {
    return redis.binary().startsWith(redis.dataDir()) ? "6.2 bundled with embedded-redis" : "from PATH (" + redis.binary() + ")";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void line(String s) {
    out.append(s).append('\n');
    System.out.println(s);
  }
}
