package io.vaxflow.bench;

import io.vaxflow.support.Ids;
import io.vaxflow.announce.AckGate;
import io.vaxflow.announce.Addresses;
import io.vaxflow.announce.Followers;
import io.vaxflow.announce.LiveBridge;
import io.vaxflow.store.RedisLauncher;
import io.vaxflow.store.ScriptArgs;
import io.vaxflow.store.Script;
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
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Vaxflow's benchmark: starts Redis and the server (as a separate process, from target/vaxflow.jar)
 * and reports, in one run, its figures next to the limits of the same machine:
 * <ul>
 *   <li>the highest check-in rate whose p99 stays within 20 ms, found by search (ramp, then
 *       bisect over short open-loop runs after a warm-up; the rate found is run again), next to
 *       {@code redis-benchmark} running the same check-in script at the concurrency the HTTP load
 *       used (its mean and peak requests in flight, and the client's connections), as a ratio;</li>
 *   <li>check-ins per second and latency percentiles at fixed rates (open loop: fixed arrival
 *       rate, latency measured from the intended send time), next to the no-op {@code /ping};</li>
 *   <li>Redis round trips per check-in and per call-next, seen with MONITOR;</li>
 *   <li>a booking spike: 2,000 bookings at once for 1,000 seats (throughput, latency, outcomes);</li>
 *   <li>call-to-screen latency (the message's server timestamp to its receipt) at 1,000 SockJS
 *       clients, every repetition counted, next to a bare WebSocket broadcast to as many;</li>
 *   <li>the server's resident memory at that load;</li>
 *   <li>5,000 phones following their tickets at one site while it calls someone every second (issue 15,
 *       {@link #phones}): call to the called phone, people ahead current after each change, the follow
 *       script's time, CPU and memory, check-ins beside them, next to the bare broadcast to as many.</li>
 * </ul>
 * Run it with {@code bench/run}; it writes bench/results.md, bench/results.json and bench/latency.svg.
 */
public final class Benchmark {

  static {
    // the attacker's client warns of every connection the server refuses: its log is not the server's work
    System.setProperty("org.slf4j.simpleLogger.log.io.vertx.core.http.impl.HttpClientConnectionInternal", "error");
  }

  private static final int CLIENTS = Integer.getInteger("bench.clients", 1000);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int[] RATES = Arrays.stream(System.getProperty("bench.rates", "250,500,1000,2000,3000").split(","))
      .mapToInt(Integer::parseInt).toArray();
  private static final int CONCURRENCY = 64;
  /** {@code -Dbench.ackflood=only}: just the check-in latency with and without an ack flood. */
  private static final boolean ACK_FLOOD_ONLY = "only".equals(System.getProperty("bench.ackflood"));
  private static final int ACK_FLOOD_RATE = Integer.getInteger("bench.ackflood.rate", 250);
  /** Display acks a second the anonymous sockets send during the flood (-Dbench.ackflood.acks). */
  private static final int ACK_FLOOD_ACKS = Integer.getInteger("bench.ackflood.acks", 5000);
  /** How long the flood runs before the check-ins under it are measured (-Dbench.ackflood.lead, seconds). */
  private static final long FLOOD_LEAD_MS = Long.getLong("bench.ackflood.lead", 10) * 1000;
  /** The flooder's own address: another machine than the displays' and the load generator's. */
  private static final String ATTACKER = "127.0.0.2";
  /** {@code -Dbench.edge=only}: just the check-in latency with and without a crowd of strangers at the public edge. */
  private static final boolean EDGE_ONLY = "only".equals(System.getProperty("bench.edge"));
  /** Requests a second the strangers send (-Dbench.edge.rate): garbage vouchers, fake walk-ins, PIN guesses. */
  private static final int EDGE_RATE = Integer.getInteger("bench.edge.rate", 1000);
  /** {@code -Dbench.note=...}: a line written at the top of the results (e.g. what else ran on the machine). */
  private static final String NOTE = System.getProperty("bench.note", "");
  /** {@code -Dbench.search=only}: just the highest check-in rate at the p99 limit and redis-benchmark of the script. */
  private static final boolean SEARCH_ONLY = "only".equals(System.getProperty("bench.search"));
  /** {@code -Dbench.metrics=only}: just the dashboard's request time at a 300- and a 10,000-person day. */
  private static final boolean METRICS_ONLY = "only".equals(System.getProperty("bench.metrics"));
  /**
   * {@code -Dbench.fsync=only}: what the power-cut defences cost check-ins: fixed rates with the embedded Redis'
   * append-only file fsynced every second, then always (the default), alternating, twice (bench/fsync.md, or
   * {@code -Dbench.fsync.out}). With {@code -Dbench.server.jar} naming a build without the floors and the run-id check
   * (main before issue 17's durability), the same rows without them.
   */
  private static final boolean FSYNC_ONLY = "only".equals(System.getProperty("bench.fsync"));
  private static final String FSYNC_OUT = System.getProperty("bench.fsync.out", "bench/fsync.md");
  private static final int[] FSYNC_RATES = Arrays.stream(System.getProperty("bench.fsync.rates", "250,1000").split(","))
      .mapToInt(Integer::parseInt).toArray();
  /** {@code -Dbench.server.jar}: the server's jar (default target/vaxflow.jar, e.g. another build to compare with). */
  private static final Path SERVER_JAR = Path.of(System.getProperty("bench.server.jar", "target/vaxflow.jar"));
  /**
   * {@code -Dbench.export=only}: check-in latency alone and while six exports of a 20,000-person day's events.csv
   * run at once, again and again (bench/export.md; {@link Exports}).
   */
  private static final boolean EXPORT_ONLY = "only".equals(System.getProperty("bench.export"));

  /**
   * {@code -Dbench.phones=only}: just the phones following their tickets ({@link #phones}), spliced into
   * bench/results.md and results.json; a full run ends with it, on a fresh server and Redis.
   */
  private static final boolean PHONES_ONLY = "only".equals(System.getProperty("bench.phones"));
  private static final int PHONES = Integer.getInteger("bench.phones.clients", 5000);
  private static final int PHONES_SECONDS = Integer.getInteger("bench.phones.seconds", 30);
  /** Check-ins a second at the phones' site while it calls and they follow (-Dbench.phones.checkins). */
  private static final int PHONES_CHECKINS = Integer.getInteger("bench.phones.checkins", 50);

  private final StringBuilder out = new StringBuilder();
  private final Vertx vertx = Vertx.vertx();
  private HttpClient http;
  int port;
  String cookie;
  private String csrf;
  private Process server;
  private String redisUrl;
  private long redisPid = -1;

  public static void main(String[] args) throws Exception {
    new Benchmark().run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-bench");
    RedisLauncher redis = RedisLauncher.start(dir.resolve("redis"));
    redisUrl = redis.url();
    // the big day to export, laid before the server starts (its stream tails never read it)
    if (EXPORT_ONLY) Exports.layDay(vertx, redis.url());
    port = freePort();
    server = startServer(redis.url(), dir);
    redisPid = redisPid(redis);
    Process bare = null;
    try {
      // a connection left idle is closed by the client before the server's idle timeout (60 s) closes it: with both at
      // 60 s, a request sent on a connection the server was closing failed with "Connection was closed"
      http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
          .setKeepAlive(true).setKeepAliveTimeout(30), new PoolOptions().setHttp1MaxSize(CONCURRENCY).setMaxWaitQueueSize(1_000_000));
      waitHealthy();
      JsonObject machine = machine();
      String loadBefore = loadAverage();
      line("# Vaxflow benchmark");
      line("");
      line("Run " + Instant.now() + " on " + machine.getInteger("nproc") + " cores (" + machine.getString("cpu") + "), "
          + machine.getLong("memoryMiB") + " MiB of memory, " + machine.getString("os") + ", Java " + machine.getString("java")
          + ". Server: `java -jar " + SERVER_JAR + "` (own process, Redis " + redisVersion(redis) + " on loopback); "
          + "load generator: this JVM, " + CONCURRENCY + " keep-alive connections, open loop, "
          + SECONDS + " s per fixed rate. Load average at the start: " + loadBefore + ".");
      line("");
      if (!NOTE.isEmpty()) {
        line("**Note:** " + NOTE);
        line("");
      }

      warmUp();

      if (ACK_FLOOD_ONLY) {
        ackFlood();
        System.out.println(out);
        return;
      }
      if (EDGE_ONLY) {
        edgeFlood();
        System.out.println(out);
        return;
      }
      if (METRICS_ONLY) {
        metricsDay(redis, dir);
        return;
      }
      if (FSYNC_ONLY) {
        fsync(redis);
        Files.writeString(Path.of(FSYNC_OUT), out.toString());
        return;
      }
      if (EXPORT_ONLY) {
        login();
        new Exports(this, server).run();
        Files.writeString(Path.of("bench/export.md"), out.toString());
        return;
      }
      if (PHONES_ONLY) {
        splice(phones(), loadBefore);
        return;
      }
      if (SEARCH_ONLY) { // the headline ratio alone: the search, then redis-benchmark of the script at the same concurrency
        Search found = search();
        pause();
        for (RedisBench rb : redisBenchmarks(redis, InFlight.of(found))) {
          line(String.format(Locale.ROOT, "redis-benchmark -c %d: %.0f/s, p50 %s ms, p99 %s ms; ratio %.2f",
              rb.connections(), rb.rps(), fmt(rb.p50()), fmt(rb.p99()), found.rate() / rb.rps()));
        }
        System.out.println(out);
        return;
      }

      // round trips first: the door scans need the room's places, which later check-ins fill
      line("## Redis round trips (seen with MONITOR)");
      line("");
      roundTrips(redis);
      line("");

      // then the figures the summary at the top is made of
      Search found = search();
      pause();
      InFlight inFlight = InFlight.of(found);
      int cMean = inFlight.mean();
      int peakInFlight = inFlight.peak();
      List<RedisBench> rbs = redisBenchmarks(redis, inFlight);
      JsonObject spike = spike();

      line("## Throughput and latency at fixed rates (open loop; latency from the intended send time)");
      line("");
      line(RUN_HEAD);
      for (int rate : new int[] {1000, 2000, 4000}) openLoop("GET", "/ping", null, rate, SECONDS, true);
      for (int rate : RATES) openLoop("POST", CHECKIN, this::walkIn, rate, SECONDS, true);
      // at pudong the room has places: every check-in also calls its person to the room (a call said 3 times)
      for (int rate : CALLING_RATES) openLoop("POST", CALLING_CHECKIN, this::walkIn, rate, SECONDS, true);
      line("");
      line("Rows at `" + CHECKIN + "`: walk-ins queued in the hall behind a full room (the path the search and "
          + "redis-benchmark measure). Rows at `" + CALLING_CHECKIN + "`: every check-in also calls its person to the "
          + "room, a call said 3 times 1 s apart (two more scripts, four more events for every server's stream tail).");
      line("");

      ackFlood();
      line("");
      JsonObject edge = edgeFlood();
      line("");

      line("## Call-to-screen latency at " + CLIENTS + " connected clients (every repetition counted)");
      line("");
      line("| path | clients | messages expected | received | p50 ms | p90 ms | p99 ms | max ms |");
      line("|---|---:|---:|---:|---:|---:|---:|---:|");
      long rss = callToScreen(server);
      int barePort = freePort();
      bare = startBare(barePort);
      bareBroadcast(barePort);
      long bareRss = rssKb(bare);
      line("");
      line("## Memory");
      line("");
      line("Server resident set size with " + CLIENTS + " SockJS clients connected, after the load above: **"
          + rss / 1024 + " MiB** (server JVM started with `-Xmx512m`; target ≤ 400 MiB). The bare broadcast server "
          + "(`-Xmx256m`) with " + CLIENTS + " clients: " + bareRss / 1024 + " MiB.");
      line("");
      JsonObject metricsDay = metricsDay(redis, dir);
      line("");
      // phones following their tickets: on a server and Redis of their own (the runs above filled the sites)
      restart(redis, dir.resolve("phones"));
      JsonObject phones = phones();
      line("");
      String loadAfter = loadAverage();
      line("Load average at the end: " + loadAfter + ".");

      // the summary, at the top of results.md
      Run median = found.repeats().isEmpty() ? null
          : found.repeats().stream().sorted(java.util.Comparator.comparingDouble(Run::p99)).toList().get(found.repeats().size() / 2);
      RedisBench atMean = rbs.stream().filter(r -> r.connections() == cMean).findFirst().orElse(null);
      RedisBench atPeak = rbs.stream().filter(r -> r.connections() == peakInFlight).findFirst().orElse(null);
      JsonObject sockjs = live.getJsonObject("sockjs", new JsonObject());
      JsonObject bareLive = live.getJsonObject("bare", new JsonObject());
      StringBuilder sum = new StringBuilder();
      sum.append("## Summary\n\n| figure | measured | target |\n|---|---|---|\n");
      if (found.rate() > 0) {
        sum.append(String.format(Locale.ROOT, "| highest check-in rate with p99 ≤ %s ms (search, then %d repeats) | **%d/s** "
            + "(%d of the repeats held; repeats: p50 %s ms, p99 %s ms, done %s/s; first rate that missed: %d/s) | |\n", fmt(P99_LIMIT),
            found.repeats().size(), found.rate(), found.repeats().stream().filter(r -> r.ok(P99_LIMIT)).count(),
            range(found.repeats(), Run::p50), range(found.repeats(), Run::p99),
            range(found.repeats(), r -> Math.round(r.done())), found.firstFailing()));
      } else {
        sum.append(String.format(Locale.ROOT, "| highest check-in rate with p99 ≤ %s ms (search) | **none found**: every rate "
            + "missed, down to %d/s (see the search below) | |\n", fmt(P99_LIMIT), found.firstFailing()));
      }
      for (RedisBench rb : rbs) {
        String why = rb.connections() == cMean ? "the HTTP load's mean in flight" : rb.connections() == peakInFlight
            ? "its peak in flight" : "the HTTP client's connections";
        if (rb.connections() == cMean && rb.connections() == peakInFlight) why = "the HTTP load's mean and peak in flight";
        sum.append(String.format(Locale.ROOT, "| `redis-benchmark`, same script, -c %d (%s) | %.0f/s, p50 %s ms, p99 %s ms → "
            + "ratio **%s** | ≥ 0.5 |\n", rb.connections(), why, rb.rps(), fmt(rb.p50()), fmt(rb.p99()),
            found.rate() > 0 ? String.format(Locale.ROOT, "%.2f", found.rate() / rb.rps()) : "— (no rate held)"));
      }
      sum.append(String.format(Locale.ROOT, "| call-to-screen, %d SockJS clients, every repetition (%s of %s) | p50 %s ms, "
          + "**p99 %s ms** | p99 ≤ 100 ms |\n", CLIENTS, sockjs.getValue("received"), sockjs.getValue("expected"),
          fmt(sockjs.getDouble("p50Ms", Double.NaN)), fmt(sockjs.getDouble("p99Ms", Double.NaN))));
      sum.append(String.format(Locale.ROOT, "| bare Vert.x WebSocket broadcast, %d clients (%s of %s) | p50 %s ms, p99 %s ms | |\n",
          CLIENTS, bareLive.getValue("received"), bareLive.getValue("expected"), fmt(bareLive.getDouble("p50Ms", Double.NaN)),
          fmt(bareLive.getDouble("p99Ms", Double.NaN))));
      sum.append(String.format(Locale.ROOT, "| booking spike: %d bookings at once for %d seats | %s/s, p99 %s ms, %s | "
          + "exactly %d × 201 |\n", SPIKE, SPIKE_SEATS, spike.getValue("perSec"), fmt(spike.getDouble("p99Ms")),
          spike.getJsonObject("outcomes").encode().replace("\"", ""), SPIKE_SEATS));
      sum.append(String.format(Locale.ROOT, "| check-in p99 at %d/s, quiet and while %s strangers' requests/s (garbage vouchers, "
          + "fake walk-ins, PIN guesses from 200 and 10,000 addresses) are refused | %s ms and %s ms (**×%s**) | within 1.5× |\n",
          ACK_FLOOD_RATE, edge.getValue("strangersPerSec"), fmt(edge.getDouble("quietP99Ms")), fmt(edge.getDouble("floodP99Ms")),
          String.format(Locale.ROOT, "%.2f", edge.getDouble("ratioP99"))));
      sum.append(String.format(Locale.ROOT, "| server resident memory, %d clients connected | **%d MiB** | ≤ 400 MiB |\n",
          CLIENTS, rss / 1024));
      sum.append(String.format(Locale.ROOT, "| `GET /metrics` at a 300- and a 10,000-person day (same run) | p50 %s ms and %s ms "
          + "(**×%s**); Redis `used_memory` with the 10,000-person day %s MiB | within 2× |\n",
          fmt(metricsDay.getJsonObject("small").getDouble("p50Ms")), fmt(metricsDay.getJsonObject("big").getDouble("p50Ms")),
          fmt(metricsDay.getDouble("ratioP50")), metricsDay.getJsonObject("redis").getLong("usedMemoryMiB")));
      sum.append(phonesSummary(phones));
      sum.append("\n![p50 and p99 against the offered check-in rate](latency.svg)\n\n");
      String header = out.substring(0, out.indexOf("## Redis round trips"));
      out.insert(header.length(), sum);
      System.out.println(out);
      Files.writeString(Path.of("bench/results.md"), out.toString());

      List<Run> checkins = runs.stream().filter(r -> r.endpoint().endsWith(CHECKIN) && !r.phase().equals("ack-flood")).toList();
      Files.writeString(Path.of("bench/latency.svg"), svg(checkins, P99_LIMIT, found.rate(),
          "Vaxflow check-ins: p50 and p99 vs offered rate (" + machine.getInteger("nproc") + " cores, " + Instant.now().toString().substring(0, 10) + ")"));

      JsonObject json = new JsonObject().put("runAt", Instant.now().toString()).put("machine", machine)
          .put("loadAverageBefore", loadBefore).put("loadAverageAfter", loadAfter).put("note", NOTE)
          .put("checkinSearch", new JsonObject().put("p99LimitMs", P99_LIMIT).put("rate", found.rate())
              .put("firstFailingRate", found.firstFailing()).put("secondsPerRun", SEARCH_SECONDS)
              .put("repeats", new io.vertx.core.json.JsonArray(found.repeats().stream().map(Run::json).toList()))
              .put("medianRepeat", median == null ? null : median.json()))
          .put("redisBenchmark", new io.vertx.core.json.JsonArray(rbs.stream().map(rb -> rb.json()
              .put("ratio", Math.round(found.rate() / rb.rps() * 100) / 100.0)
              .put("matches", rb.connections() == cMean ? "mean in flight" : rb.connections() == peakInFlight
                  ? "peak in flight" : "client connections")).toList()))
          .put("runs", new io.vertx.core.json.JsonArray(runs.stream().map(Run::json).toList()))
          .put("bookingSpike", spike)
          .put("edgeFlood", edge)
          .put("callToScreen", live)
          .put("metricsDay", metricsDay)
          .put("phones", phones)
          .put("memory", new JsonObject().put("serverRssMiB", rss / 1024).put("clients", CLIENTS).put("serverXmx", "512m")
              .put("bareRssMiB", bareRss / 1024));
      Files.writeString(Path.of("bench/results.json"), json.encodePrettily() + "\n");
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
      server.destroyForcibly();
      if (bare != null) bare.destroyForcibly();
      redis.stop();
      vertx.close();
      // the server's jar copy, its log and Redis' files (-Dbench.keep: left for a look at the server's log)
      if (Boolean.getBoolean("bench.keep")) System.out.println("kept: " + dir);
      else deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp dir
    }
  }

  // ---- throughput ----

  private final AtomicLong seq = new AtomicLong();

  Buffer walkIn() {
    long n = seq.incrementAndGet();
    return new JsonObject().put("walkIn", new JsonObject().put("name", "Bench Person")
        .put("idNumber", Ids.resident(34, n)).put("dose", 1)).toBuffer();
  }

  /** One open-loop run: offered and achieved rate, latency percentiles (ms), errors and requests in flight. */
  record Run(String phase, String endpoint, int offered, double done, double p50, double p90, double p99, double max,
             int errors, double inFlightMean, int inFlightPeak, Cpu cpu) {
    boolean ok(double p99Limit) {
      return errors == 0 && p99 <= p99Limit && done >= 0.95 * offered;
    }

    JsonObject json() {
      return new JsonObject().put("phase", phase).put("endpoint", endpoint).put("offeredPerSec", offered)
          .put("donePerSec", round1(done)).put("p50Ms", p50).put("p90Ms", p90).put("p99Ms", p99).put("maxMs", max)
          .put("errors", errors).put("inFlightMean", round1(inFlightMean)).put("inFlightPeak", inFlightPeak)
          .put("cpuPercent", cpu.json());
    }
  }

  /**
   * Where the machine's cores went during a run, in percent of one core (the machine has
   * {@code nproc} × 100): the server, Redis and this load generator, from /proc/<pid>/stat.
   */
  record Cpu(double server, double redis, double generator) {
    JsonObject json() {
      return new JsonObject().put("server", round1(server)).put("redis", round1(redis)).put("generator", round1(generator));
    }

    String text() {
      return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", server, redis, generator);
    }
  }

  /** CPU time used so far (ms) by the server, Redis and this process; 0 where /proc cannot tell. */
  private long[] cpuMs() {
    return new long[] {cpuMsOf(server == null ? -1 : server.pid()), cpuMsOf(redisPid), cpuMsOf(ProcessHandle.current().pid())};
  }

  /** Redis' process id, from INFO server. */
  private long redisPid(RedisLauncher redis) {
    Redis client = Redis.createClient(vertx, redis.url());
    try {
      String info = String.valueOf(client.send(Request.cmd(Command.INFO).arg("server")).await());
      return info.lines().filter(l -> l.startsWith("process_id:")).map(l -> Long.parseLong(l.substring(11).strip()))
          .findFirst().orElse(-1L);
    } catch (RuntimeException e) {
      return -1;
    } finally {
      client.close();
    }
  }

  private static long cpuMsOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime + stime, at 100 ticks a second
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Cpu cpuSince(long[] before, long[] after, long elapsedNs) {
    double ms = elapsedNs / 1e6;
    return new Cpu(100 * (after[0] - before[0]) / ms, 100 * (after[1] - before[1]) / ms, 100 * (after[2] - before[2]) / ms);
  }

  private final List<Run> runs = new ArrayList<>();

  private Run openLoop(String method, String path, java.util.function.Supplier<Buffer> body, int rate, int seconds,
                       boolean report) throws InterruptedException {
    return openLoop(report ? "fixed" : "warm-up", method, path, body, rate, seconds, report);
  }

  Run openLoop(String phase, String method, String path, java.util.function.Supplier<Buffer> body, int rate,
                       int seconds, boolean report) throws InterruptedException {
    int total = rate * seconds;
    long[] latencyNs = new long[total];
    AtomicInteger done = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger inFlightPeak = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(total);
    long start = System.nanoTime() + 50_000_000L;
    long[] cpuBefore = cpuMs();
    long[] nextIndex = {0};
    long timer = vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (nextIndex[0] < total && start + nextIndex[0] * 1_000_000_000L / rate <= now) {
        int i = (int) nextIndex[0]++;
        long intended = start + (long) i * 1_000_000_000L / rate;
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setURI(path);
        inFlightPeak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
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
          inFlight.decrementAndGet();
          latencyNs[i] = System.nanoTime() - intended;
          done.incrementAndGet();
          finished.countDown();
        });
      }
    });
    finished.await(seconds + 60L, TimeUnit.SECONDS);
    vertx.cancelTimer(timer);
    long elapsed = System.nanoTime() - start;
    trace(phase, start, rate, latencyNs, done.get());
    Cpu cpu = cpuSince(cpuBefore, cpuMs(), elapsed);
    int n = done.get();
    long[] sorted = Arrays.copyOf(latencyNs, n);
    Arrays.sort(sorted);
    // requests in flight on average (Little's law: the sum of their times over the run's time)
    double busyNs = 0;
    for (long l : sorted) busyNs += l;
    Run run = new Run(phase, method + " " + path, rate, n / (elapsed / 1e9), msD(sorted, 0.50), msD(sorted, 0.90),
        msD(sorted, 0.99), msD(sorted, 1.0), errors.get() + (total - n), busyNs / elapsed, inFlightPeak.get(), cpu);
    if (!phase.equals("warm-up")) runs.add(run);
    if (report) line(row(run));
    return run;
  }

  /** {@code -Dbench.trace=DIR}: each request of a run as "sent at (epoch ms), latency (ms)" in DIR/{phase}.csv, to set beside GC logs. */
  private static void trace(String phase, long startNs, int rate, long[] latencyNs, int n) {
    String dir = System.getProperty("bench.trace");
    if (dir == null) return;
    long epochStartMs = System.currentTimeMillis() - (System.nanoTime() - startNs) / 1_000_000;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(String.format(Locale.ROOT, "%d,%.2f%n", epochStartMs + (long) i * 1000 / rate, latencyNs[i] / 1e6));
    }
    try {
      Files.writeString(Path.of(dir, phase + ".csv"), out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String row(Run r) {
    return String.format(Locale.ROOT, "| `%s` | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %.1f / %d | %s |", r.endpoint(),
        r.offered(), r.done(), r.p50(), r.p90(), r.p99(), r.max(), r.errors(), r.inFlightMean(), r.inFlightPeak(), r.cpu().text());
  }

  static final String RUN_HEAD = "| endpoint | offered /s | done /s | p50 ms | p90 ms | p99 ms | max ms | errors "
      + "| in flight mean / peak | CPU % server / Redis / load |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

  private static double msD(long[] sortedNs, double q) {
    if (sortedNs.length == 0) return Double.NaN;
    int i = Math.min(sortedNs.length - 1, (int) Math.ceil(q * sortedNs.length) - 1);
    return round1(sortedNs[Math.max(0, i)] / 1e6);
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String ms(long[] sortedNs, double q) {
    if (sortedNs.length == 0) return "-";
    int i = Math.min(sortedNs.length - 1, (int) Math.ceil(q * sortedNs.length) - 1);
    return String.format(Locale.ROOT, "%.1f", sortedNs[Math.max(0, i)] / 1e6);
  }

  // ---- the highest check-in rate at p99 <= 20 ms ----

  private static final double P99_LIMIT = Double.parseDouble(System.getProperty("bench.search.p99", "20"));
  private static final int SEARCH_SECONDS = Integer.getInteger("bench.search.seconds", 4);
  private static final int SEARCH_START = Integer.getInteger("bench.search.start", 500);
  private static final int SEARCH_MAX = Integer.getInteger("bench.search.max", 40_000);
  private static final int SEARCH_REPEATS = Integer.getInteger("bench.search.repeats", 3);
  /**
   * The check-ins measured (the search, the fixed rates, the ack flood) and redis-benchmark's script all go to
   * xuhui, whose room is kept full: past its first few, every check-in takes the same path, a ticket queued in
   * the hall (one script, its events, its predicted wait). Calls are measured on their own (call-to-screen).
   */
  static final String CHECKIN = "/api/v1/sites/xuhui/checkins";
  /** Check-ins that each call someone to the room (pudong's room has 10,000 places), at fixed rates. */
  private static final String CALLING_CHECKIN = "/api/v1/sites/pudong/checkins";
  private static final int[] CALLING_RATES = {250, 500};

  /** The search's outcome: the rate found and its repeated runs. */
  record Search(int rate, int firstFailing, List<Run> repeats) {}

  /**
   * Ramps the offered check-in rate (doubling from bench.search.start) until a run misses
   * (p99 above the limit, an error, or less than 95% of the offered rate done), then bisects
   * between the last rate that held and the first that missed down to 5% of the rate (when the
   * first rate misses already, it halves until one holds); a miss is confirmed by a second run
   * at the rate before it counts ({@link #probe}); the rate
   * found is then run bench.search.repeats times more. Each run is bench.search.seconds long.
   */
  private Search search() throws InterruptedException {
    line("## The highest check-in rate with p99 ≤ " + fmt(P99_LIMIT) + " ms (search: ramp ×2, then bisect; open loop, "
        + SEARCH_SECONDS + " s per run" + (CONFIRM_MISS ? "; a miss is run again and counts only if it misses again" : "") + ")");
    line("");
    line(RUN_HEAD.replace("| endpoint |", "| step | endpoint |").replace("|---|", "|---|---|"));
    int good = 0;
    int bad = 0;
    int rate = SEARCH_START;
    int step = 0;
    while (rate <= SEARCH_MAX) {
      Run r = probe("ramp", ++step, rate);
      if (!r.ok(P99_LIMIT)) {
        bad = rate;
        break;
      }
      good = rate;
      rate *= 2;
    }
    // the start already missed: halve down to a rate that holds (or gives up below 20/s)
    while (good == 0 && rate >= 20) {
      rate /= 2;
      Run r = probe("down", ++step, rate);
      if (r.ok(P99_LIMIT)) good = rate;
      else bad = rate;
    }
    if (bad == 0) bad = good * 2; // never missed up to the maximum
    while (good > 0 && bad - good > Math.max(25, good / 20)) {
      int mid = (good + bad) / 2;
      Run r = probe("bisect", ++step, mid);
      if (r.ok(P99_LIMIT)) good = mid;
      else bad = mid;
    }
    // the rate found must hold in most of its repeats; if not, 10% lower is repeated (at most 5 times)
    List<Run> repeats = new ArrayList<>();
    for (int round = 0; good > 0 && round < 5; round++) {
      repeats = new ArrayList<>();
      for (int i = 0; i < SEARCH_REPEATS; i++) {
        Run r = openLoop("repeat", "POST", CHECKIN, this::walkIn, good, SEARCH_SECONDS, false);
        line("| repeat " + (i + 1) + " " + (r.ok(P99_LIMIT) ? "✓" : "✗") + " " + row(r));
        repeats.add(r);
        pause();
      }
      if (2 * repeats.stream().filter(r -> r.ok(P99_LIMIT)).count() > repeats.size()) break;
      bad = good;
      good = good * 9 / 10;
      line("| held in fewer than most repeats: " + good + "/s next | | | | | | | | | | |");
    }
    line("");
    return new Search(good, bad, repeats);
  }

  /**
   * One step of the search at a rate; a miss is run once more (bench.search.confirm, default on)
   * and counts only if that run misses too, so a few seconds of disturbance do not end the search.
   */
  private Run probe(String kind, int step, int rate) throws InterruptedException {
    Run r = openLoop("search", "POST", CHECKIN, this::walkIn, rate, SEARCH_SECONDS, false);
    line("| " + kind + " " + step + " " + (r.ok(P99_LIMIT) ? "✓" : "✗") + " " + row(r));
    pause();
    if (r.ok(P99_LIMIT) || !CONFIRM_MISS) return r;
    Run again = openLoop("search", "POST", CHECKIN, this::walkIn, rate, SEARCH_SECONDS, false);
    line("| " + kind + " " + step + " again " + (again.ok(P99_LIMIT) ? "✓" : "✗") + " " + row(again));
    pause();
    return again;
  }

  private static final boolean CONFIRM_MISS = !"false".equals(System.getProperty("bench.search.confirm"));

  /** A short breath between runs: the previous run's stragglers and garbage settle. */
  private static void pause() throws InterruptedException {
    Thread.sleep(500);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String range(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
    double lo = rs.stream().mapToDouble(f).min().orElse(Double.NaN);
    double hi = rs.stream().mapToDouble(f).max().orElse(Double.NaN);
    return lo == hi ? fmt(lo) : fmt(lo) + "–" + fmt(hi);
  }

  // ---- the booking spike ----

  private static final int SPIKE = Integer.getInteger("bench.spike", 2000);
  private static final int SPIKE_SEATS = 1000; // xuhui on SPIKE_DAY: 10 slots of 100 (startServer)
  private static final String SPIKE_DAY = "2026-11-25";

  /** Every booking sent at once (the client's 64 connections carry them as fast as the server answers). */
  private JsonObject spike() throws InterruptedException {
    line("## Booking spike: " + SPIKE + " bookings sent at once for " + SPIKE_SEATS + " seats (xuhui, " + SPIKE_DAY
        + "; the city's booking bucket lifted)");
    line("");
    long[] latencyNs = new long[SPIKE];
    Map<String, Integer> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch finished = new CountDownLatch(SPIKE);
    long t0 = System.nanoTime();
    for (int i = 0; i < SPIKE; i++) {
      int k = i;
      JsonObject person = new JsonObject().put("name", "Spike Person").put("idNumber", Ids.resident(35, i))
          .put("phone", String.format("139%08d", i)).put("dose", 1).put("day", SPIKE_DAY).put("siteId", "xuhui");
      // both steps: the code texted to the phone (the demo city's reply shows it), then the booking with it
      send("POST", "/api/v1/bookings", person.toBuffer(), false).compose(sent -> sent.statusCode() != 202
              ? io.vertx.core.Future.succeededFuture(sent)
              : send("POST", "/api/v1/bookings", person.copy().put("code", sent.json().getString("demoCode")).toBuffer(), false))
          .onComplete(ar -> {
        latencyNs[k] = System.nanoTime() - t0;
        String outcome;
        if (ar.failed()) outcome = "failed: " + ar.cause().getClass().getSimpleName();
        else if (ar.result().statusCode() == 201) outcome = "201";
        else {
          String code = "";
          try {
            code = " " + ar.result().json().getJsonObject("error").getString("code");
          } catch (RuntimeException e) {
            // not a JSON error
          }
          outcome = ar.result().statusCode() + code;
        }
        outcomes.merge(outcome, 1, Integer::sum);
        finished.countDown();
      });
    }
    boolean all = finished.await(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] sorted = latencyNs.clone();
    Arrays.sort(sorted);
    Map<String, Integer> sortedOutcomes = new java.util.TreeMap<>(outcomes);
    line("| bookings | seats | all answered | time s | bookings /s | p50 ms | p99 ms | max ms | outcomes |");
    line("|---:|---:|---|---:|---:|---:|---:|---:|---|");
    line(String.format(Locale.ROOT, "| %d | %d | %s | %.2f | %.0f | %s | %s | %s | %s |", SPIKE, SPIKE_SEATS, all ? "yes" : "NO",
        seconds, SPIKE / seconds, ms(sorted, 0.5), ms(sorted, 0.99), ms(sorted, 1.0), sortedOutcomes));
    line("");
    line("Latency of a booking here is from the moment all " + SPIKE + " were handed to the client (they queue for its "
        + CONCURRENCY + " connections), so it includes the wait behind the others.");
    line("");
    JsonObject o = new JsonObject();
    sortedOutcomes.forEach(o::put);
    return new JsonObject().put("bookings", SPIKE).put("seats", SPIKE_SEATS).put("allAnswered", all)
        .put("seconds", Math.round(seconds * 100) / 100.0).put("perSec", Math.round(SPIKE / seconds))
        .put("p50Ms", msD(sorted, 0.5)).put("p99Ms", msD(sorted, 0.99)).put("maxMs", msD(sorted, 1.0))
        .put("outcomes", o);
  }

  // ---- the machine ----

  private static JsonObject machine() throws IOException {
    String cpu = "?";
    for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (l.startsWith("model name")) {
        cpu = l.substring(l.indexOf(':') + 1).strip();
        break;
      }
    }
    long memKb = 0;
    for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (l.startsWith("MemTotal:")) memKb = Long.parseLong(l.replaceAll("[^0-9]", ""));
    }
    return new JsonObject().put("nproc", Runtime.getRuntime().availableProcessors()).put("cpu", cpu)
        .put("memoryMiB", memKb / 1024).put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("java", System.getProperty("java.version"));
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  // ---- the plot ----

  /**
   * bench/latency.svg: p50 and p99 of every check-in run against its offered rate (log latency
   * axis), with the p99 limit as a line and the rate found marked.
   */
  static String svg(List<Run> checkins, double limitMs, int found, String caption) {
    int w = 760, h = 440, left = 70, right = 20, top = 40, bottom = 60;
    int pw = w - left - right, ph = h - top - bottom;
    double maxRate = checkins.stream().mapToInt(Run::offered).max().orElse(1000);
    double xMax = niceCeil(maxRate * 1.05);
    double yMin = 0.1, yMax = 10_000;
    java.util.function.DoubleUnaryOperator x = r -> left + r / xMax * pw;
    java.util.function.DoubleUnaryOperator y = ms -> {
      double v = Math.max(yMin, Math.min(yMax, ms));
      return top + ph - (Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) * ph;
    };
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", left, esc(caption)));
    // grid and axes
    for (double ms = yMin; ms <= yMax * 1.001; ms *= 10) {
      double yy = y.applyAsDouble(ms);
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, yy, left + pw, yy));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left - 6, yy + 4, fmt(ms)));
    }
    double xStep = niceCeil(xMax / 8);
    for (double r = 0; r <= xMax + 1e-9; r += xStep) {
      double xx = x.applyAsDouble(r);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>\n", xx, top, xx, top + ph));
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", xx, top + ph + 18, fmt(r)));
    }
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", left, top, pw, ph));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">offered check-ins per second (open loop)</text>\n",
        left + pw / 2, h - 22));
    b.append(String.format(Locale.ROOT, "<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">latency, ms (log scale)</text>\n",
        top + ph / 2));
    // the limit and the rate found
    double ly = y.applyAsDouble(limitMs);
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>\n",
        left, ly, left + pw, ly));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#c00\" text-anchor=\"end\">p99 limit %s ms</text>\n",
        left + pw - 4, ly - 4, fmt(limitMs)));
    if (found > 0) {
      double fx = x.applyAsDouble(found);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#080\" stroke-dasharray=\"3 3\"/>\n",
          fx, top, fx, top + ph));
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#080\">%d/s</text>\n", fx + 4, top + 14, found));
    }
    // series: a line through each rate's median, a dot for every run
    String[][] series = {{"p50", "#1f77b4"}, {"p99", "#d62728"}};
    for (String[] sr : series) {
      java.util.function.ToDoubleFunction<Run> f = sr[0].equals("p50") ? Run::p50 : Run::p99;
      java.util.TreeMap<Integer, List<Double>> byRate = new java.util.TreeMap<>();
      for (Run r : checkins) byRate.computeIfAbsent(r.offered(), k -> new ArrayList<>()).add(f.applyAsDouble(r));
      StringBuilder pts = new StringBuilder();
      byRate.forEach((rate, vs) -> {
        List<Double> sorted = vs.stream().sorted().toList();
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(rate), y.applyAsDouble(sorted.get(sorted.size() / 2))));
      });
      b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
          pts.toString().strip(), sr[1]));
      for (Run r : checkins) {
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%d/s: %s %s ms</title></circle>\n",
            x.applyAsDouble(r.offered()), y.applyAsDouble(f.applyAsDouble(r)), sr[1], r.offered(), sr[0], fmt(f.applyAsDouble(r))));
      }
    }
    // legend
    int lx = left + pw - 70, ly0 = top + 14;
    for (int i = 0; i < series.length; i++) {
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>\n", lx, ly0 + i * 16, lx + 20, ly0 + i * 16, series[i][1], lx + 26, ly0 + i * 16 + 4, series[i][0]));
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1))));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) return m * p;
    }
    return 10 * p;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  // ---- the embedded Redis' fsync ----

  /**
   * Check-ins at fixed rates with the append-only file fsynced every second, then always (Redis fsyncs once per
   * event-loop cycle, for every client served in it, before answering them), alternating, twice: the p99 of each.
   */
  private void fsync(RedisLauncher redis) throws Exception {
    Redis client = Redis.createClient(vertx, redis.url());
    java.util.Map<String, List<Run>> runsOf = new java.util.LinkedHashMap<>();
    line("## Check-ins with appendfsync everysec and always (open loop, " + SECONDS + " s each, alternating, twice)");
    line("");
    line(RUN_HEAD.replace("| endpoint |", "| appendfsync | endpoint |").replace("|---|", "|---|---|"));
    try {
      for (int round = 1; round <= 2; round++) {
        for (String policy : List.of("everysec", "always")) {
          client.send(Request.cmd(Command.CONFIG).arg("SET").arg("appendfsync").arg(policy)).await();
          for (int rate : FSYNC_RATES) {
            Run r = openLoop("fsync-" + policy, "POST", CHECKIN, this::walkIn, rate, SECONDS, false);
            line("| " + policy + " " + row(r));
            runsOf.computeIfAbsent(policy + " " + rate, k -> new ArrayList<>()).add(r);
          }
        }
      }
    } finally {
      client.close();
    }
    line("");
    for (int rate : FSYNC_RATES) {
      List<Run> every = runsOf.get("everysec " + rate);
      List<Run> always = runsOf.get("always " + rate);
      line(String.format(Locale.ROOT, "At %d/s: p99 everysec %s ms, always %s ms; p50 %s and %s ms.", rate,
          range(every, Run::p99), range(always, Run::p99), range(every, Run::p50), range(always, Run::p50)));
    }
    line("");
    line("Load average at the end: " + loadAverage() + ".");
  }

  // ---- warm-up ----

  /**
   * Warms up the JIT of the server and of this load generator on the path measured: check-ins at a
   * rate near the one searched for, 5 s at a time, until the server's CPU per check-in settles (within
   * 10% of the run before, at least 6 runs, at most 16). A fixed short warm-up left the server compiling
   * for a minute: its CPU per check-in fell from 2.0 to 0.4 ms during the search, whose first rates then
   * missed; at a low rate the compilers keep a core busy for longer and the figure looks settled early.
   */
  private static final int WARM_UP_RATE = Integer.getInteger("bench.warmup.rate", 800);

  private void warmUp() throws InterruptedException {
    openLoop("GET", "/ping", null, 500, 3, false);
    List<String> perCheckin = new ArrayList<>();
    double before = Double.NaN;
    for (int i = 1; i <= 16; i++) {
      Run r = openLoop("POST", CHECKIN, this::walkIn, WARM_UP_RATE, 5, false);
      double ms = r.cpu().server() * 10 / r.done(); // percent of a core → ms of CPU a second, per check-in
      perCheckin.add(String.format(Locale.ROOT, "%.2f", ms));
      if (i >= 6 && Math.abs(ms - before) <= 0.1 * before) break;
      before = ms;
    }
    line("Warm-up: check-ins at " + WARM_UP_RATE + "/s in runs of 5 s until the server's CPU per check-in settled: "
        + String.join(" → ", perCheckin) + " ms.");
    line("");
  }

  // ---- an anonymous ack flood ----

  /**
   * Check-in latency at {@link #ACK_FLOOD_RATE}/s, first alone, then while 4 anonymous SockJS
   * sockets send display acks at {@link #ACK_FLOOD_ACKS} a second (each naming another display)
   * and connect again whenever the server closes them, in the same run. The attacker connects from
   * 127.0.0.2: another machine than the displays and the load generator, as it would be.
   */
  private void ackFlood() throws Exception {
    line("## Check-in while anonymous sockets flood display acks (open loop, " + ACK_FLOOD_RATE + "/s, " + SECONDS + " s each)");
    line("");
    line(RUN_HEAD);
    openLoop("ack-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    // the attacker has its own event loops: on the load generator's, its writes would delay the check-ins measured
    Vertx attacker = Vertx.vertx();
    WebSocketClient wsc = attacker.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(ATTACKER));
    WebSocketConnectOptions bridge = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket");
    List<WebSocket> flooders = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) flooders.add(wsc.connect(bridge).await());
    AtomicLong acks = new AtomicLong();
    AtomicLong reconnects = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread flood = new Thread(() -> {
      long i = 0;
      long start = System.nanoTime();
      long deadline = start + (SECONDS + 30L) * 1_000_000_000L + FLOOD_LEAD_MS * 1_000_000L;
      while (flooding.get() && System.nanoTime() < deadline) {
        // paced at ACK_FLOOD_ACKS a second (a spinning sender would only measure this JVM's own CPU)
        long due = start + i * 1_000_000_000L / ACK_FLOOD_ACKS;
        long ahead = due - System.nanoTime();
        if (ahead > 0) LockSupport.parkNanos(ahead);
        int slot = (int) (i++ % flooders.size());
        WebSocket ws = flooders.get(slot);
        if (ws == null || ws.isClosed()) { // closed by the server: connect again at once, as an attacker would
          try {
            flooders.set(slot, wsc.connect(bridge).await());
            reconnects.incrementAndGet();
          } catch (RuntimeException notLetIn) {
            flooders.set(slot, null);
            refused.incrementAndGet();
          }
          continue;
        }
        if (ws.writeQueueFull()) continue; // the server stopped reading it: this one is skipped
        try {
          ws.writeTextMessage(new JsonObject().put("type", "send").put("address", Addresses.ack("xuhui"))
              .put("body", new JsonObject().put("callId", "1-" + i).put("repeat", 1).put("displayId", "flood-" + i)).encode());
          acks.incrementAndGet();
        } catch (RuntimeException closedMeanwhile) {
          flooders.set(slot, null);
        }
      }
    }, "ack-flood");
    flood.setUncaughtExceptionHandler((t, e) -> System.err.println("ack flood stopped: " + e));
    flood.start();
    // the server meets the flood first (its JIT compiles the paths a flood takes) while the check-ins go on:
    // a pause in them would let both JVMs drop and recompile the check-in path in the next row (C2 busy in both)
    openLoop("ack-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, (int) (FLOOD_LEAD_MS / 1000), false);
    long acksBefore = acks.get();
    long refusedBefore = refused.get();
    long t0 = System.nanoTime();
    openLoop("ack-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double ackRate = (acks.get() - acksBefore) / seconds;
    double refusedRate = (refused.get() - refusedBefore) / seconds;
    flooding.set(false);
    flood.join();
    for (WebSocket ws : flooders) if (ws != null) ws.close();
    wsc.close();
    attacker.close().await();
    openLoop("ack-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    line("");
    line("Rows: before, during and after the flood, with check-ins at the same rate all along (also through the flood's "
        + FLOOD_LEAD_MS / 1000 + " s lead, unmeasured).");
    line("");
    line(String.format(Locale.ROOT, "Second row: during the flood (begun " + FLOOD_LEAD_MS / 1000 + " s before the row; the attacker "
        + "on its own event loops in the load generator's process, connecting from " + ATTACKER + "). 4 sockets paced at "
        + ACK_FLOOD_ACKS + " acks/s in all, each connecting again at once when closed: %d acks sent and %d connections let in "
        + "again in all; during the row %.0f acks/s were sent and %.0f connection attempts/s refused (429 before SockJS: "
        + "the server closes a socket that sends more than " + AckGate.FRAME_BURST + " frames at once or %.0f a second, and "
        + "refuses its address for " + AckGate.BOX_MS / 1000 + " s, each refusal held " + LiveBridge.HOLD_MS + " ms).",
        acks.get(), reconnects.get(), ackRate, refusedRate, AckGate.FRAME_RATE));
  }

  // ---- strangers at the public edge (issue 17, attacks 4 to 6) ----

  /**
   * Check-in latency at {@link #ACK_FLOOD_RATE}/s (the load generator is the site's kiosk: in the demo city, the
   * browser on the server's own computer), quiet, then while strangers behind the trusted proxy (X-Forwarded-For)
   * send {@link #EDGE_RATE} requests a second: garbage vouchers and fake walk-ins from 200 addresses, PIN guesses from
   * 10,000, all refused as not the site's device before they cost a token, a Redis round trip or a PIN check; then
   * after. The strangers run on their own event loops. Their answers and the server's count of PIN checks are reported.
   */
  private JsonObject edgeFlood() throws Exception {
    line("## Check-in while strangers flood the public edge (open loop, " + ACK_FLOOD_RATE + "/s, " + SECONDS + " s each)");
    line("");
    line(RUN_HEAD);
    Run quiet = openLoop("edge-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    long pinChecksBefore = pinChecks();
    Vertx attacker = Vertx.vertx();
    HttpClient strangers = attacker.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(10_000));
    java.util.concurrent.ConcurrentHashMap<String, AtomicLong> answers = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicLong sent = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread flood = new Thread(() -> {
      long start = System.nanoTime();
      for (long i = 0; flooding.get(); i++) {
        long ahead = start + i * 1_000_000_000L / EDGE_RATE - System.nanoTime();
        if (ahead > 0) LockSupport.parkNanos(ahead);
        long n = i;
        String path;
        String address;
        JsonObject body;
        switch ((int) (n % 3)) {
          case 0 -> {
            path = CHECKIN;
            address = "203.0.113." + (n % 200 + 1);
            body = new JsonObject().put("voucher", "XH-GARB-" + n);
          }
          case 1 -> {
            path = CHECKIN;
            address = "198.18." + (n % 200) + ".1";
            body = new JsonObject().put("walkIn", new JsonObject().put("name", "Fake Person").put("idNumber", "F" + (100000000L + n)).put("dose", 1));
          }
          default -> {
            path = "/api/v1/auth/login";
            address = "10.0." + (n / 256 % 40) + "." + (n % 256);
            body = new JsonObject().put("staffId", "desk").put("pin", String.format("%04d", n % 10_000));
          }
        }
        sent.incrementAndGet();
        strangers.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)).compose(req -> req
                .putHeader("Content-Type", "application/json").putHeader("X-Forwarded-For", address).send(body.toBuffer()))
            .compose(resp -> resp.body().map(b -> String.valueOf(resp.statusCode())))
            .onComplete(ar -> answers.computeIfAbsent(ar.succeeded() ? ar.result() : "failed", k -> new AtomicLong()).incrementAndGet());
      }
    }, "edge-flood");
    flood.start();
    openLoop("edge-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, (int) (FLOOD_LEAD_MS / 1000), false);
    long sentBefore = sent.get();
    long t0 = System.nanoTime();
    Run during = openLoop("edge-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    double perSec = (sent.get() - sentBefore) / ((System.nanoTime() - t0) / 1e9);
    flooding.set(false);
    flood.join();
    for (int i = 0; i < 100 && answers.values().stream().mapToLong(AtomicLong::get).sum() < sent.get(); i++) Thread.sleep(100);
    strangers.close();
    attacker.close().await();
    long pinChecks = pinChecks() - pinChecksBefore;
    Run after = openLoop("edge-flood", "POST", CHECKIN, this::walkIn, ACK_FLOOD_RATE, SECONDS, true);
    Map<String, Long> byStatus = new java.util.TreeMap<>();
    answers.forEach((k, v) -> byStatus.put(k, v.get()));
    long unanswered = sent.get() - byStatus.values().stream().mapToLong(Long::longValue).sum();
    if (unanswered > 0) byStatus.put("unanswered when the strangers stopped", unanswered);
    // the quiet reference: the better of the runs before and after (one of them may meet a noisy neighbour or the JIT)
    double reference = Math.min(quiet.p99(), after.p99());
    double ratio = reference > 0 ? Math.round(during.p99() / reference * 100) / 100.0 : Double.NaN;
    line("");
    line(String.format(Locale.ROOT, "Rows: quiet, during and after the strangers (begun %d s before the second row, on their own "
        + "event loops in the load generator's process): %.0f requests/s during the row, one third each garbage vouchers "
        + "(200 addresses), fake walk-ins (200 addresses) and PIN guesses for `desk` (10,000 addresses), %d sent in all; their "
        + "answers by status: %s; PIN checks the server ran meanwhile: %d. Check-in p99 during the strangers / the quieter of "
        + "before and after: %s / %s ms = ×%.2f.",
        FLOOD_LEAD_MS / 1000, perSec, sent.get(), byStatus, pinChecks, fmt(during.p99()), fmt(reference), ratio));
    return new JsonObject().put("checkinRatePerSec", ACK_FLOOD_RATE).put("strangersPerSec", Math.round(perSec))
        .put("strangersSent", sent.get()).put("answers", new JsonObject(new java.util.TreeMap<String, Object>(byStatus)))
        .put("pinChecks", pinChecks).put("quietP99Ms", reference).put("beforeP99Ms", quiet.p99()).put("floodP99Ms", during.p99())
        .put("afterP99Ms", after.p99()).put("ratioP99", ratio);
  }

  /** The server's count of PIN checks (its PBKDF2 runs), from /metrics. */
  private long pinChecks() {
    String text = send("GET", "/metrics", null, false).await().body();
    for (String l : text.split("\n")) {
      if (l.startsWith("vaxflow_login_pin_checks_total")) return (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
    }
    return -1;
  }

  // ---- redis-benchmark ----

  /**
   * The concurrency the HTTP load used at the rate found: the repeats' median of requests in flight
   * on average (Little's law; a repeat that missed would overstate it), and its peak (at most the
   * client's connections).
   */
  record InFlight(int mean, int peak) {
    static InFlight of(Search found) {
      double[] means = found.repeats().stream().mapToDouble(Run::inFlightMean).sorted().toArray();
      int mean = Math.max(1, (int) Math.ceil(means.length == 0 ? 1 : means[means.length / 2]));
      return new InFlight(mean, Math.min(CONCURRENCY, found.repeats().stream().mapToInt(Run::inFlightPeak).max().orElse(1)));
    }
  }

  /** redis-benchmark of the check-in script at the HTTP load's mean and peak in flight, and at the client's connections. */
  private List<RedisBench> redisBenchmarks(RedisLauncher redis, InFlight inFlight) throws Exception {
    List<RedisBench> out = new ArrayList<>();
    for (int c : new java.util.TreeSet<>(List.of(inFlight.mean(), inFlight.peak(), CONCURRENCY))) {
      RedisBench rb = redisBenchmark(redis, c, Integer.getInteger("bench.redis.requests", 50_000));
      if (rb != null) out.add(rb);
    }
    return out;
  }

  /** One redis-benchmark run of the check-in script: its concurrency, requests per second and latency. */
  record RedisBench(int connections, int requests, double rps, double p50, double p99, String reply, String command) {
    JsonObject json() {
      return new JsonObject().put("connections", connections).put("requests", requests).put("rps", rps)
          .put("p50Ms", p50).put("p99Ms", p99).put("scriptReply", reply).put("command", command);
    }
  }

  /**
   * The check-in script's EVALSHA as the server sends it for a walk-in at xuhui (the site the HTTP load checks in at);
   * {@code person} stands for the person's keyed hash (the server seals the name and ID number; here they are left out).
   */
  private List<String> checkinCommand(String person) {
    String sha = new Scripts(null, 0).sha(Script.CHECKIN);
    long now = System.currentTimeMillis() + Duration_SKEW;
    return List.of("EVALSHA", sha, "3", "vf:{xuhui}", "rl:{xuhui}:kiosk:bench", "rl:{xuhui}:site",
        String.valueOf(now), "2026-11-24", "kiosk", Scripts.json(new ScriptArgs.Checkin("walkin", "", "", "Bench Person",
            "", person, 1, 3_600_000L, "", List.of(new ScriptArgs.Limit(100_000, 1_000_000), new ScriptArgs.Limit(100_000, 1_000_000)), null)));
  }

  /**
   * redis-benchmark running the check-in script with {@code connections} clients (closed loop);
   * __rand_int__ in the ID number is replaced per request (-r), so every request is a new walk-in.
   */
  private RedisBench redisBenchmark(RedisLauncher redis, int connections, int requests) throws Exception {
    // one call first through a plain client: the script must answer ok (an error reply would be fast and meaningless)
    Redis client = Redis.createClient(vertx, redis.url());
    List<String> probe = checkinCommand("P1");
    Request req = Request.cmd(Command.EVALSHA);
    for (String a : probe.subList(1, probe.size())) req.arg(a);
    String reply;
    try {
      reply = String.valueOf(client.send(req).await());
    } catch (RuntimeException e) {
      reply = "ERROR " + e.getMessage();
    } finally {
      client.close();
    }
    List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(redis.port()),
        "-c", String.valueOf(connections), "-n", String.valueOf(requests), "-r", "1000000000", "--csv"));
    cmd.addAll(checkinCommand("R__rand_int__"));
    String shown = String.join(" ", cmd.subList(0, 12)) + " EVALSHA <checkin> 3 vf:{xuhui} … R__rand_int__ …";
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      String last = text.lines().filter(l -> l.startsWith("\"") && !l.startsWith("\"test\"")).reduce((a, b) -> b).orElse("");
      String[] f = last.split("\",\"");
      if (f.length < 8) throw new IOException("redis-benchmark: " + text);
      int k = f.length;
      return new RedisBench(connections, requests, Double.parseDouble(f[k - 7]), Double.parseDouble(f[k - 4]),
          Double.parseDouble(f[k - 2]), reply.length() > 160 ? reply.substring(0, 160) + "…" : reply, shown);
    } catch (IOException e) {
      System.err.println("redis-benchmark failed: " + e.getMessage());
      return null;
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
    String checkinKinds = kinds(seen);
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
    String doneSha = new Scripts(null, 0).sha(Script.DONE);
    long nextCommands;
    List<String> nextSeen;
    synchronized (seen) {
      nextSeen = seen.stream().filter(l -> !l.contains(doneSha)).toList();
      nextCommands = nextSeen.size();
    }
    line(String.format(Locale.ROOT, "- check-in (walk-in): **%.2f** Redis round trips per request (%d check-ins; commands seen: %s)",
        perCheckin / (double) n, n, checkinKinds));
    line(String.format(Locale.ROOT, "- call-next: **%.2f** Redis round trips per request (%d calls; the staff session "
        + "is read from Redis at most once per 5 s and remembered in between; commands seen: %s)", nextCommands / (double) nexts,
        nexts, kinds(nextSeen)));
  }

  /** MONITOR lines counted by command (an EVALSHA by its script's name). */
  private static String kinds(List<String> monitorLines) {
    Map<String, String> scriptOf = new java.util.HashMap<>();
    Scripts loaded = new Scripts(null, 0);
    for (Script<?> s : List.of(Script.CHECKIN, Script.CALL_NEXT, Script.DONE, Script.BOOK, Script.RATE_LIMIT, Script.DOOR_SCAN)) {
      scriptOf.put(loaded.sha(s), s.name());
    }
    Map<String, Integer> counts = new java.util.TreeMap<>();
    synchronized (monitorLines) {
      for (String l : monitorLines) {
        String[] f = l.substring(l.indexOf("] ") + 2).split("\" ?\"?");
        String cmd = f.length > 1 ? f[1].toLowerCase(Locale.ROOT) : "?";
        if (cmd.equals("evalsha") && f.length > 2) cmd += " " + scriptOf.getOrDefault(f[2], f[2].substring(0, Math.min(8, f[2].length())));
        counts.merge(cmd, 1, Integer::sum);
      }
    }
    return counts.toString();
  }

  private long commands(Redis r) {
    String info = r.send(Request.cmd(Command.INFO).arg("commandstats")).await().toString();
    return io.vaxflow.support.TestCity.commandStats(info).values().stream().mapToLong(Long::longValue).sum();
  }

  private void login() {
    var resp = http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/auth/login"))
        .compose(req -> req.putHeader("Content-Type", "application/json")
            .send(new JsonObject().put("staffId", "manager").put("pin", "2468").encode()))
        .await();
    String c = io.vaxflow.support.StaffCookies.cookieHeader(resp.cookies());
    csrf = io.vaxflow.support.StaffCookies.csrf(c).orElse("");
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
    report("sockjs", "Vaxflow: SockJS bridge, `vaxflow.site.{site}.calls`", expected, received.get(), latencies);
    for (WebSocket ws : sockets) ws.close();
    return rss;
  }

  private String book(String site, int i) {
    JsonObject person = new JsonObject().put("name", "Bench Caller").put("idNumber", Ids.resident(36, i))
        .put("phone", String.format("138%08d", i)).put("dose", 1).put("day", "2026-11-24").put("siteId", site);
    String code = new JsonObject(postJson("/api/v1/bookings", person)).getString("demoCode");
    return new JsonObject(postJson("/api/v1/bookings", person.copy().put("code", code))).getString("voucher");
  }

  private String postJson(String uri, JsonObject body) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri))
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body.encode()))
        .compose(r -> r.body()).await().toString();
  }

  private void bareBroadcast(int barePort) throws Exception {
    JsonObject r = bareBroadcast(barePort, CLIENTS, 60, 33);
    report("bare", "bare Vert.x WebSocket broadcast (own process)", r.getInteger("expected"), r.getInteger("received"), bareLatencies);
  }

  private List<Long> bareLatencies = List.of();

  /** {@code clients} on the bare broadcast, {@code messages} sent {@code gapMs} apart: expected, received, percentiles. */
  private JsonObject bareBroadcast(int barePort, int clients, int messages, long gapMs) throws Exception {
    WebSocketClient wsc = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients + 10));
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger received = new AtomicInteger();
    for (int i = 0; i < clients; i++) {
      WebSocket ws = wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(barePort).setURI("/")).await();
      ws.handler(b -> {
        long now = System.currentTimeMillis();
        latencies.add(now - new JsonObject(b.toString()).getLong("sentAt"));
        received.incrementAndGet();
      });
    }
    Thread.sleep(500);
    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + barePort + "/go?n=" + messages + "&ms=" + gapMs)).build(), HttpResponse.BodyHandlers.ofString());
    int expected = messages * clients;
    long end = System.currentTimeMillis() + messages * gapMs + 15_000;
    while (received.get() < expected && System.currentTimeMillis() < end) Thread.sleep(100);
    wsc.close();
    bareLatencies = latencies;
    long[] sorted;
    synchronized (latencies) {
      sorted = latencies.stream().mapToLong(Long::longValue).map(ms -> ms * 1_000_000L).sorted().toArray();
    }
    return new JsonObject().put("clients", clients).put("expected", expected).put("received", received.get())
        .put("p50Ms", msD(sorted, 0.5)).put("p90Ms", msD(sorted, 0.9)).put("p99Ms", msD(sorted, 0.99)).put("maxMs", msD(sorted, 1.0));
  }

  // ---- phones following their tickets (issue 15) ----

  private static final String PHONES_SITE = "pudong";
  private static final String PHONES_API = "/api/v1/sites/" + PHONES_SITE;
  /** The phones' site: a hall of this many, a room of one seat, one desk calling someone every second. */
  private static final int PHONES_HALL = 100;

  /** One phone page following its ticket: the views it received, as they came (System.nanoTime). */
  private static final class Phone {
    final int index; // the ticket's place in the order of check-in
    final String number;
    long[] at = new long[64];
    long[] progress = new long[64];
    int views;
    volatile WebSocket ws;

    Phone(int index, String number) {
      this.index = index;
      this.number = number;
    }

    /** How far a view has got: outside (0) or in the hall (1) with fewer ahead, or past the queues (2). */
    static long progress(String stage, String state, int ahead) {
      boolean waiting = "waiting".equals(state);
      int rank = "outside".equals(stage) && waiting ? 0 : "hall".equals(stage) && waiting ? 1 : 2;
      return rank * 1_000_000L + (rank == 2 ? 0 : 999_999 - ahead);
    }

    synchronized void viewed(long when, JsonObject view) {
      if (views == at.length) {
        at = Arrays.copyOf(at, views * 2);
        progress = Arrays.copyOf(progress, views * 2);
      }
      at[views] = when;
      progress[views++] = progress(view.getString("stage"), view.getString("state"), view.getInteger("peopleAhead", 0));
    }

    synchronized boolean viewing() {
      return views > 0;
    }

    /** When this phone first showed at least {@code wanted} (views only move on); -1 if it never did. */
    synchronized long reached(long wanted) {
      for (int i = 0; i < views; i++) if (progress[i] >= wanted) return at[i];
      return -1;
    }
  }

  /**
   * The site calls someone every second: the door lets in the one called to the room, desk-1 calls
   * them and serves them, which frees the room's seat: the hall's first is called in (and at the
   * door scan, the first outside moved into the hall). Cycle k (from 1) serves ticket k-1 in the
   * order of check-in; each request's send time (System.nanoTime) is kept by cycle, and by the call
   * it makes.
   */
  private final class Caller extends Thread {
    final List<String> numbers;
    final Map<Integer, long[]> cycles = new java.util.concurrent.ConcurrentHashMap<>(); // k -> scan, next, done
    final Map<String, Long> calledAt = new java.util.concurrent.ConcurrentHashMap<>();  // number|kind -> its request
    final AtomicInteger failures = new AtomicInteger();
    volatile String firstFailure;
    final AtomicInteger retries = new AtomicInteger();
    volatile boolean running = true;
    volatile int cycle;

    Caller(List<String> numbers) {
      super("bench-caller");
      this.numbers = numbers;
      setDaemon(true);
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      for (int k = 1; running && k + PHONES_HALL < numbers.size(); k++) {
        LockSupport.parkNanos(start + (k - 1) * 1_000_000_000L - System.nanoTime());
        long[] t = new long[3];
        t[0] = System.nanoTime();
        calledAt.put(numbers.get(k + PHONES_HALL - 1) + "|hall", t[0]); // the first outside moves into the hall
        ok(PHONES_API + "/door/scan", new JsonObject().put("number", numbers.get(k - 1)));
        t[1] = System.nanoTime();
        calledAt.put(numbers.get(k - 1) + "|desk", t[1]);
        ok(PHONES_API + "/stations/desk-1/next", new JsonObject());
        ok(PHONES_API + "/stations/desk-1/start", new JsonObject());
        t[2] = System.nanoTime();
        calledAt.put(numbers.get(k) + "|room", t[2]); // the room's seat is free: the hall's first is called in
        ok(PHONES_API + "/stations/desk-1/done", new JsonObject());
        cycles.put(k, t);
        cycle = k;
      }
    }

    /**
     * A staff request, sent again after a 503 (a store timeout on a loaded machine, as staff would
     * press again; at most 3 times): one left undone would put every later cycle out of step.
     */
    private void ok(String path, JsonObject body) {
      try {
        Reply r = send("POST", path, body.toBuffer(), true).await(10, TimeUnit.SECONDS);
        for (int attempt = 1; r.statusCode() == 503 && attempt <= 3; attempt++) {
          retries.incrementAndGet();
          Thread.sleep(500);
          r = send("POST", path, body.toBuffer(), true).await(10, TimeUnit.SECONDS);
        }
        if (r.statusCode() != 200) failed(r.statusCode() + " " + r.body());
      } catch (Exception e) {
        failed(e + " on " + path);
      }
    }

    private void failed(String what) {
      if (failures.incrementAndGet() == 1) firstFailure = what + " in cycle " + cycle;
    }
  }

  /**
   * Issue 15's benchmark: {@link #PHONES} phone pages follow as many tickets of one site on one server
   * while the site calls someone every second. Figures: from each call (the staff request that made it)
   * to the called phone; from each change of a ticket's place (its request) to its phone showing the
   * new number of people ahead; the follow script's time (SLOWLOG); the server's and Redis' CPU a second
   * and the server's memory with the phones connected; check-ins at the same site beside it, with and
   * without the phones. Next to it, the same clients on the bare WebSocket broadcast.
   */
  private JsonObject phones() throws Exception {
    login();
    JsonObject settings = new JsonObject().put("hallCapacity", PHONES_HALL).put("roomCapacity", 1);
    Reply set = http.request(new RequestOptions().setMethod(HttpMethod.PUT).setURI(PHONES_API + "/settings"))
        .compose(req -> req.putHeader("Cookie", cookie).putHeader("X-CSRF-Token", csrf).putHeader("Content-Type", "application/json")
            .send(settings.encode()).compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString())))).await();
    if (set.statusCode() != 200) throw new IllegalStateException("settings: " + set.statusCode() + " " + set.body());

    // the tickets and their links' keys, in the order of their numbers (the order of check-in)
    // W999 comes before W1000: by length, then as written
    java.util.TreeMap<String, String> keyOf = new java.util.TreeMap<>(
        java.util.Comparator.comparingInt(String::length).thenComparing(java.util.Comparator.naturalOrder()));
    for (int from = 0; from < PHONES; from += 64) {
      List<Future<Reply>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(PHONES, from + 64); i++) batch.add(send("POST", PHONES_API + "/checkins", walkIn(), false));
      for (Future<Reply> f : batch) {
        Reply r = f.await();
        // a store timeout on a loaded machine (503, Retry-After: 2): the kiosk tries again, as a person would
        for (int attempt = 1; r.statusCode() == 503 && attempt <= 5; attempt++) {
          Thread.sleep(2000);
          r = send("POST", PHONES_API + "/checkins", walkIn(), false).await();
        }
        if (r.statusCode() != 201) throw new IllegalStateException("a phone's check-in: " + r.statusCode() + " " + r.body());
        JsonObject ticket = r.json().getJsonObject("ticket");
        String url = ticket.getString("trackUrl");
        keyOf.put(ticket.getString("number"), url.substring(url.indexOf("?k=") + 3));
      }
    }
    List<String> numbers = new ArrayList<>(keyOf.keySet());

    line("## Phones following their tickets (issue 15)");
    line("");
    Caller caller = new Caller(numbers);
    caller.start();
    Thread.sleep(3000);
    String checkins = PHONES_API + "/checkins";
    Run without = openLoop("phones-off", "POST", checkins, this::walkIn, PHONES_CHECKINS, PHONES_SECONDS, false);

    // the phones: each registers for its ticket with its link's key, and pings the bridge every 10 s as vertx-eventbus.js does.
    // They have their own event loops, as the ack flood's attacker does: on the load generator's, their 5,000 frames a
    // second would queue ahead of the check-ins' answers and count in the check-ins' latency
    Vertx phonesVertx = Vertx.vertx();
    WebSocketClient wsc = phonesVertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(PHONES + 10));
    List<Long> callMs = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong messages = new AtomicLong();
    AtomicLong callFrames = new AtomicLong(); // first sayings received by any phone, matched to a request or not
    List<Phone> phones = new ArrayList<>();
    long connectStart = System.nanoTime();
    for (int i = 0; i < numbers.size(); i++) {
      Phone phone = new Phone(i, numbers.get(i));
      WebSocket ws = wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket")).await();
      ws.handler(b -> {
        long now = System.nanoTime();
        JsonObject f = new JsonObject(b.toString());
        if (!"rec".equals(f.getString("type"))) return;
        messages.incrementAndGet();
        JsonObject m = f.getJsonObject("body");
        if ("view".equals(m.getString("type"))) {
          phone.viewed(now, m.getJsonObject("view"));
        } else if ("call".equals(m.getString("type")) && m.getJsonObject("call").getInteger("repeat", 1) == 1) {
          callFrames.incrementAndGet();
          Long sent = caller.calledAt.get(phone.number + "|" + m.getJsonObject("call").getJsonObject("to").getString("kind"));
          if (sent != null) callMs.add((now - sent) / 1_000_000);
        }
      });
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", Addresses.ticket(PHONES_SITE, phone.number))
          .put("headers", new JsonObject().put("k", keyOf.get(phone.number))).encode());
      phone.ws = ws;
      phones.add(phone);
    }
    // each phone pings every 10 s on a phase of its own, as browsers that connected at different moments do (all 5,000 in
    // the same instant held the server for 30-40 ms every 10 s, a burst no real crowd of phones makes)
    long[] tick = {0};
    long pinger = phonesVertx.setPeriodic(100, id -> {
      int phase = (int) (tick[0]++ % 100);
      for (int i = phase; i < phones.size(); i += 100) phones.get(i).ws.writeTextMessage("{\"type\":\"ping\"}");
    });
    double connectSec = (System.nanoTime() - connectStart) / 1e9;
    // every phone has its ticket's view once a change after its registration has reached it
    long until = System.currentTimeMillis() + 60_000;
    while (phones.stream().filter(Phone::viewing).count() < PHONES && System.currentTimeMillis() < until) Thread.sleep(200);
    long viewing = phones.stream().filter(Phone::viewing).count();

    // the site calling every second with the phones following, nothing else: CPU a second
    long[] cpuBefore = cpuMs();
    long idleFrom = System.nanoTime();
    long messagesBefore = messages.get();
    Thread.sleep(10_000);
    Cpu idle = cpuSince(cpuBefore, cpuMs(), System.nanoTime() - idleFrom);
    double messagesPerSec = (messages.get() - messagesBefore) / ((System.nanoTime() - idleFrom) / 1e9);
    long rss = rssKb(server);

    // with check-ins beside it: each call and change to the phones, and the follow script's time
    Redis client = Redis.createClient(vertx, redisUrl);
    client.send(Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-log-slower-than").arg(0)).await();
    client.send(Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-max-len").arg(100_000)).await();
    client.send(Request.cmd(Command.SLOWLOG).arg("RESET")).await();
    callMs.clear();
    callFrames.set(0);
    int firstCycle = caller.cycle + 1;
    Run with = openLoop("phones-on", "POST", checkins, this::walkIn, PHONES_CHECKINS, PHONES_SECONDS, false);
    int lastCycle = caller.cycle - 2; // its changes had 2 s to reach every phone
    Thread.sleep(2500);
    rss = Math.max(rss, rssKb(server));
    List<Long> scriptUs = slowlog(client, new Scripts(null, 0).sha(Script.FOLLOW));
    client.send(Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-log-slower-than").arg(10_000)).await();
    client.send(Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-max-len").arg(128)).await();
    client.close();
    caller.running = false;
    caller.join(15_000);

    // each change of a ticket's place, from the request that made it to its phone showing it
    List<Long> lagMs = new ArrayList<>();
    int missed = 0;
    for (int k = firstCycle; k <= lastCycle; k++) {
      long[] t = caller.cycles.get(k);
      if (t == null) continue;
      for (Phone p : phones) {
        int j = p.index;
        long wanted;
        long changedAt;
        if (j >= k + PHONES_HALL) { // outside: one fewer ahead since the door scan moved the first outside in
          wanted = Phone.progress("outside", "waiting", j - k - PHONES_HALL);
          changedAt = t[0];
        } else if (j == k + PHONES_HALL - 1) { // that first outside: into the hall, last in it
          wanted = Phone.progress("hall", "waiting", PHONES_HALL - 1);
          changedAt = t[0];
        } else if (j > k) { // in the hall: one fewer ahead once the room's seat is free
          wanted = Phone.progress("hall", "waiting", j - k - 1);
          changedAt = t[2];
        } else if (j == k) { // the hall's first: called to the room
          wanted = Phone.progress("hall", "called", 0);
          changedAt = t[2];
        } else {
          continue;
        }
        long shown = p.reached(wanted);
        if (shown < 0) missed++;
        else lagMs.add(Math.max(0, shown - changedAt) / 1_000_000);
      }
    }
    phonesVertx.cancelTimer(pinger);
    for (Phone p : phones) p.ws.close();
    wsc.close();
    phonesVertx.close().await();

    // the same clients on the bare broadcast: one message a second to all of them
    int barePort = freePort();
    Process bare = startBare(barePort);
    JsonObject bareLive;
    long bareRss;
    try {
      bareLive = bareBroadcast(barePort, PHONES, PHONES_SECONDS, 1000);
      bareRss = rssKb(bare);
    } finally {
      bare.destroyForcibly();
    }

    long[] callSorted = callMs.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] lagSorted = lagMs.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] scriptSorted = scriptUs.stream().mapToLong(Long::longValue).sorted().toArray();
    long within2s = lagMs.stream().filter(ms -> ms <= 2000).count();
    int changes = lagSorted.length + missed;
    double within = changes == 0 ? 0 : round1(100.0 * within2s / changes);
    int cyclesMeasured = Math.max(0, lastCycle - firstCycle + 1);
    JsonObject result = new JsonObject().put("phones", PHONES).put("viewing", viewing).put("connectSeconds", round1(connectSec))
        .put("callToPhone", new JsonObject().put("calls", callSorted.length).put("firstSayingsReceived", callFrames.get()).put("p50Ms", pct(callSorted, 0.5))
            .put("p99Ms", pct(callSorted, 0.99)).put("maxMs", pct(callSorted, 1.0)))
        .put("peopleAhead", new JsonObject().put("cycles", cyclesMeasured).put("changes", changes).put("missed", missed)
            .put("within2sPercent", within).put("p50Ms", pct(lagSorted, 0.5)).put("p99Ms", pct(lagSorted, 0.99))
            .put("maxMs", pct(lagSorted, 1.0)))
        .put("followScript", new JsonObject().put("runs", scriptSorted.length).put("p50Us", pct(scriptSorted, 0.5))
            .put("p99Us", pct(scriptSorted, 0.99)).put("maxUs", pct(scriptSorted, 1.0))
            .put("runsPerSecond", round1(scriptSorted.length / (double) PHONES_SECONDS)))
        .put("idle", new JsonObject().put("cpuPercent", idle.json()).put("messagesPerSecond", Math.round(messagesPerSec)))
        .put("serverRssMiB", rss / 1024).put("callerFailures", caller.failures.get()).put("callerRetries", caller.retries.get())
        .put("checkins", new JsonObject().put("perSecond", PHONES_CHECKINS).put("without", without.json()).put("with", with.json())
            .put("p99Ratio", Math.round(with.p99() / without.p99() * 100) / 100.0))
        .put("bare", bareLive.put("rssMiB", bareRss / 1024));

    line("Site `" + PHONES_SITE + "`: a hall of " + PHONES_HALL + ", a room of one seat, " + PHONES + " walk-ins, each followed by a "
        + "phone: a raw SockJS WebSocket client (in the bench's own process) that registers for its ticket's address with its link's key "
        + "and pings every 10 s (each on a phase of its own). Every second the door lets in the one called to the room and desk-1 calls, starts and finishes them: "
        + "the hall's first is called to the room, the first outside moves into the hall, and every waiting ticket's people ahead goes "
        + "down by one (about " + PHONES + " changed views a second, and three calls). " + String.format(Locale.ROOT,
        "%d of %d phones had their ticket's view within 60 s of registering; registering all of them took %.0f s.", viewing, PHONES, connectSec));
    line("");
    line("| figure | measured | target |");
    line("|---|---|---|");
    line(String.format(Locale.ROOT, "| from a call (the staff request that made it) to the called phone, first saying | %d calls (%d first sayings received): p50 %d ms, **p99 %d ms**, max %d ms | p99 ≤ 1,000 ms |",
        callSorted.length, callFrames.get(), pct(callSorted, 0.5), pct(callSorted, 0.99), pct(callSorted, 1.0)));
    line(String.format(Locale.ROOT, "| from a change of a ticket's place (the request that made it) to its phone showing the new people ahead | %,d changes in %d s: p50 %d ms, p99 %d ms, max %d ms; **%.1f%% within 2 s**, %d never shown | every one within 2 s |",
        changes, cyclesMeasured, pct(lagSorted, 0.5), pct(lagSorted, 0.99), pct(lagSorted, 1.0), within, missed));
    line(String.format(Locale.ROOT, "| the follow script (`lua/follow.lua`: %,d of the %,d followed tickets a run, at one moment), from SLOWLOG | %d runs (%.1f a second): p50 %.1f ms, p99 %.1f ms, max %.1f ms | a few ms |",
        Math.min(PHONES, Followers.CHUNK), PHONES, scriptSorted.length, scriptSorted.length / (double) PHONES_SECONDS, pct(scriptSorted, 0.5) / 1000.0,
        pct(scriptSorted, 0.99) / 1000.0, pct(scriptSorted, 1.0) / 1000.0));
    line(String.format(Locale.ROOT, "| CPU with the phones connected and a call every second (no check-ins), %% of a core: server / Redis / bench (the phones) | %s (%,.0f messages a second to the phones) | |",
        idle.text(), messagesPerSec));
    line(String.format(Locale.ROOT, "| server resident memory with %d phones connected | **%d MiB** (JVM `-Xmx512m`) | ≤ 1,024 MiB |", PHONES, rss / 1024));
    line(String.format(Locale.ROOT, "| check-ins at the same site, %d/s for %d s, open loop: p99 without the phones → with them | %.1f ms → %.1f ms (**×%.2f**); p50 %.1f → %.1f ms; CPU server / Redis / bench %s → %s | within 1.5× |",
        PHONES_CHECKINS, PHONES_SECONDS, without.p99(), with.p99(), with.p99() / without.p99(), without.p50(), with.p50(),
        without.cpu().text(), with.cpu().text()));
    line(String.format(Locale.ROOT, "| the same %d clients on the bare Vert.x WebSocket broadcast (own process), one message a second for %d s | %s of %s received: p50 %s ms, p99 %s ms; resident memory %d MiB | |",
        PHONES, PHONES_SECONDS, bareLive.getValue("received"), bareLive.getValue("expected"), fmt(bareLive.getDouble("p50Ms", Double.NaN)),
        fmt(bareLive.getDouble("p99Ms", Double.NaN)), bareRss / 1024));
    if (caller.retries.get() > 0) {
      line("");
      line("The caller sent " + caller.retries.get() + " requests again after a 503 (a store timeout).");
    }
    if (caller.failures.get() > 0) {
      line("");
      line("**The caller's requests failed " + caller.failures.get() + " times** (the first: " + caller.firstFailure
          + "); check-ins that failed without / with the phones: " + without.errors() + " / " + with.errors() + ".");
    }
    return result;
  }

  /** The durations (µs) SLOWLOG kept of EVALSHA {@code sha}. */
  private static List<Long> slowlog(Redis client, String sha) {
    List<Long> out = new ArrayList<>();
    for (io.vertx.redis.client.Response e : client.send(Request.cmd(Command.SLOWLOG).arg("GET").arg(100_000)).await()) {
      io.vertx.redis.client.Response args = e.get(3);
      if (args.size() > 1 && "EVALSHA".equalsIgnoreCase(args.get(0).toString()) && sha.equals(args.get(1).toString())) {
        out.add(e.get(2).toLong());
      }
    }
    return out;
  }

  /** The q-quantile of sorted values (nearest rank); -1 for none. */
  private static long pct(long[] sorted, double q) {
    if (sorted.length == 0) return -1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
  }

  /** The summary's rows of the phones' run. */
  private static String phonesSummary(JsonObject p) {
    JsonObject call = p.getJsonObject("callToPhone");
    JsonObject ahead = p.getJsonObject("peopleAhead");
    JsonObject script = p.getJsonObject("followScript");
    JsonObject checkins = p.getJsonObject("checkins");
    return String.format(Locale.ROOT, "| %d phones following their tickets at one site, a call every second: call → called phone | **p99 %s ms** | p99 ≤ 1,000 ms |\n"
            + "| … people ahead current on every phone after a change | **%s%% within 2 s**, p99 %s ms | all within 2 s |\n"
            + "| … the follow script for %d tickets (SLOWLOG) | p50 %.1f ms, p99 %.1f ms | a few ms |\n"
            + "| … server resident memory with them connected | **%d MiB** | ≤ 1,024 MiB |\n"
            + "| … check-in p99 beside them / without them | **×%s** | within 1.5× |\n",
        p.getInteger("phones"), call.getValue("p99Ms"), ahead.getValue("within2sPercent"), ahead.getValue("p99Ms"), p.getInteger("phones"),
        script.getLong("p50Us") / 1000.0, script.getLong("p99Us") / 1000.0, p.getLong("serverRssMiB"), checkins.getValue("p99Ratio"));
  }

  /** A fresh server on an emptied Redis (the phones' run, after the rest of a full run). */
  private void restart(RedisLauncher redis, Path dir) throws Exception {
    server.destroy();
    server.waitFor(10, TimeUnit.SECONDS);
    server.destroyForcibly();
    Redis client = Redis.createClient(vertx, redis.url());
    client.send(Request.cmd(Command.FLUSHALL)).await();
    client.close();
    Files.createDirectories(dir);
    server = startServer(redis.url(), dir);
    waitHealthy();
  }

  /**
   * bench/results.md and results.json with the phones' section of this run in place of the last one
   * ({@code -Dbench.phones=only}): the rest stays as the last full run wrote it.
   */
  private void splice(JsonObject phones, String loadBefore) throws IOException {
    String loadAfter = loadAverage();
    String section = out.substring(out.indexOf("## Phones following their tickets")) + "\n_This section: run " + Instant.now()
        + " alone (`-Dbench.phones=only`, after the warm-up); load average at its start " + loadBefore + ", at its end " + loadAfter
        + (NOTE.isEmpty() ? "" : "; " + NOTE) + "._\n\n";
    Path md = Path.of("bench/results.md");
    String text = Files.exists(md) ? Files.readString(md) : "# Vaxflow benchmark\n\n";
    int at = text.indexOf("## Phones following their tickets");
    if (at >= 0) {
      int end = text.indexOf("\n## ", at + 3);
      int tail = text.indexOf("\nLoad average at the end:", at);
      int cut = end >= 0 ? end + 1 : tail >= 0 ? tail + 1 : text.length();
      text = text.substring(0, at) + text.substring(cut);
    }
    int before = text.indexOf("\nLoad average at the end:");
    text = before < 0 ? text + "\n" + section : text.substring(0, before + 1) + section + text.substring(before + 1);
    Files.writeString(md, text);
    Path json = Path.of("bench/results.json");
    JsonObject all = Files.exists(json) ? new JsonObject(Files.readString(json)) : new JsonObject();
    Files.writeString(json, all.put("phones", phones.copy().put("runAt", Instant.now().toString()).put("machine", machine())
        .put("loadAverageBefore", loadBefore).put("loadAverageAfter", loadAfter)).encodePrettily() + "\n");
    System.out.println(out);
  }

  private final JsonObject live = new JsonObject();

  private void report(String key, String what, int expected, int received, List<Long> latencies) {
    long[] sorted;
    synchronized (latencies) {
      sorted = latencies.stream().mapToLong(Long::longValue).map(ms -> ms * 1_000_000L).sorted().toArray();
    }
    line(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %s | %s |", what, CLIENTS, expected, received,
        ms(sorted, 0.5), ms(sorted, 0.9), ms(sorted, 0.99), ms(sorted, 1.0)));
    live.put(key, new JsonObject().put("path", what).put("clients", CLIENTS).put("expected", expected)
        .put("received", received).put("p50Ms", msD(sorted, 0.5)).put("p90Ms", msD(sorted, 0.9))
        .put("p99Ms", msD(sorted, 0.99)).put("maxMs", msD(sorted, 1.0)));
  }

  // ---- processes ----

  // ---- the dashboard at a small and a big day ----

  private static final String METRICS_SITE = "jingan";
  private static final int BIG_DAY = Integer.getInteger("bench.metrics.people", 10_000);
  /** 12:00 in Shanghai, two hours ahead of the server's clock: its timers never reach the day played. */
  private static final long METRICS_DAY_START = Instant.parse("2026-11-24T04:00:00Z").toEpochMilli();

  /**
   * GET /metrics of one site at a 300-person day and, in the same run, at a 10,000-person day (played
   * through the real transition scripts, see {@link MetricsDay}), and Redis' memory with that day.
   */
  private JsonObject metricsDay(RedisLauncher redis, Path dir) throws Exception {
    line("## The dashboard at a 300- and a " + String.format(Locale.ROOT, "%,d", BIG_DAY) + "-person day (`metrics`)");
    line("");
    login();
    Redis client = Redis.createClient(vertx, redis.url());
    long memoryBefore = usedMemory(client);
    MetricsDay day = new MetricsDay(vertx, redis.url(), serverEnv(redis.url(), dir), METRICS_SITE, METRICS_DAY_START, BIG_DAY, 11);
    long t0 = System.nanoTime();
    day.playUntil(300);
    JsonObject small = metricsTimes(300);
    day.playUntil(BIG_DAY);
    double seedSec = (System.nanoTime() - t0) / 1e9;
    JsonObject big = metricsTimes(BIG_DAY);
    day.close();
    long memory = usedMemory(client);
    String stats = "vf:{" + METRICS_SITE + "}:stats:2026-11-24";
    long aggregates = memoryUsage(client, stats) + memoryUsage(client, "vf:{" + METRICS_SITE + "}:waits:2026-11-24:desk")
        + memoryUsage(client, "vf:{" + METRICS_SITE + "}:waits:2026-11-24:booth");
    long says = memoryUsage(client, "vf:{" + METRICS_SITE + "}:says");
    client.close();
    double ratio = big.getDouble("p50Ms") / small.getDouble("p50Ms");
    line("| day | people checked in | requests | p50 ms | p90 ms | p99 ms | max ms | events of the day (`eventsRead`) |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (JsonObject r : List.of(small, big)) {
      line(String.format(Locale.ROOT, "| %s | %,d | %d | %s | %s | %s | %s | %,d |", r.getString("day"), r.getInteger("people"),
          r.getInteger("requests"), fmt(r.getDouble("p50Ms")), fmt(r.getDouble("p90Ms")), fmt(r.getDouble("p99Ms")),
          fmt(r.getDouble("maxMs")), r.getInteger("eventsRead")));
    }
    line("");
    line("The big day's figures as the dashboard showed them (the aggregates are those of the day played): totals "
        + big.getJsonObject("totals").encode() + "; waits " + big.getJsonObject("waits").encode() + ".");
    line("");
    line(String.format(Locale.ROOT, "p50 at the big day / p50 at the small day: **×%.2f** (target within 2×). The day was played "
        + "through the real transition scripts at %s (40 desks, 40 booths, walk-ins evenly over 11 hours from 12:00, "
        + "desk service 1.5–5.5 min, booth 1–4 min) in %.0f s; its clock is ahead of the server's, so the heads of the "
        + "lines read 0 here.", ratio, METRICS_SITE, seedSec));
    line(String.format(Locale.ROOT, "Redis `used_memory` with the %,d-person day: **%.1f MiB** (%.1f MiB before it was played: "
        + "the day added %.1f MiB, %.1f KiB a person). The dashboard's aggregates of the day (`stats:` and `hist:` keys): "
        + "%.1f KiB. The call sayings scheduled ahead of the server's clock (`says`, consumed as they come due on a real day): "
        + "%.1f MiB of it.", BIG_DAY, memory / 1048576.0, memoryBefore / 1048576.0, (memory - memoryBefore) / 1048576.0,
        (memory - memoryBefore) / 1024.0 / BIG_DAY, aggregates / 1024.0, says / 1048576.0));
    line("");
    return new JsonObject().put("site", METRICS_SITE).put("small", small).put("big", big).put("ratioP50", Math.round(ratio * 100) / 100.0)
        .put("seedSeconds", Math.round(seedSec))
        .put("redis", new JsonObject().put("usedMemoryMiB", Math.round(memory / 1048576.0))
            .put("usedMemoryBytes", memory).put("usedMemoryBeforeBytes", memoryBefore)
            .put("aggregatesBytes", aggregates).put("saysBytes", says));
  }

  /** 20 requests to warm up, then 200 one after another, each timed. */
  private JsonObject metricsTimes(int people) {
    String path = "/api/v1/sites/" + METRICS_SITE + "/metrics";
    JsonObject last = null;
    for (int i = 0; i < 20; i++) last = send("GET", path, null, true).await().json();
    int n = 200;
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      Reply r = send("GET", path, null, true).await();
      ns[i] = System.nanoTime() - t;
      if (r.statusCode() != 200) throw new IllegalStateException("metrics: " + r.statusCode() + " " + r.body());
    }
    Arrays.sort(ns);
    return new JsonObject().put("day", people == 300 ? "small" : "big").put("people", people).put("requests", n)
        .put("p50Ms", msD(ns, 0.5)).put("p90Ms", msD(ns, 0.9)).put("p99Ms", msD(ns, 0.99)).put("maxMs", msD(ns, 1.0))
        .put("eventsRead", last.getInteger("eventsRead")).put("totals", last.getJsonObject("totals"))
        .put("waits", last.getJsonObject("waits"));
  }

  private static long usedMemory(Redis client) {
    String info = client.send(Request.cmd(Command.INFO).arg("memory")).await().toString();
    for (String l : info.split("\r?\n")) if (l.startsWith("used_memory:")) return Long.parseLong(l.substring(12).strip());
    return 0;
  }

  private static long memoryUsage(Redis client, String key) {
    var r = client.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key)).await();
    return r == null ? 0 : r.toLong();
  }

  private Process startServer(String redisUrl, Path dir) throws IOException {
    // a copy: a rebuild of target/ during the run must not pull classes from under the server
    // without the packaged jar (an offline build), the classes this benchmark runs from
    // -Dbench.server.jvm="-XX:StartFlightRecording=filename=/tmp/server.jfr": more JVM options for the server (e.g. a profile)
    List<String> command = new ArrayList<>(List.of("java", "-Xmx512m"));
    String jvm = System.getProperty("bench.server.jvm", "").strip();
    if (!jvm.isEmpty()) command.addAll(List.of(jvm.split("\\s+")));
    command.addAll(Files.exists(SERVER_JAR)
        ? List.of("-jar", Files.copy(SERVER_JAR, dir.resolve("vaxflow.jar")).toString())
        : List.of("-cp", System.getProperty("java.class.path"), "io.vaxflow.Main"));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    pb.environment().putAll(serverEnv(redisUrl, dir));
    return pb.start();
  }

  /** The server's environment (also the city the metrics day is played in). */
  private Map<String, String> serverEnv(String redisUrl, Path dir) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("REDIS_URL", redisUrl);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("DATA_DIR", dir.toString());
    env.put("CLOCK", "2026-11-24T02:00:00Z");
    env.put("VAXFLOW_HTTP_HOST", "127.0.0.1");
    env.put("VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000");
    env.put("VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "10000");
    // the measured check-ins and redis-benchmark's script: xuhui, walk-ins queued in its hall behind a full room
    env.put("VAXFLOW_SITES_XUHUI_WALKINS", "true");
    env.put("VAXFLOW_SITES_XUHUI_HALLCAPACITY", "100000");
    env.put("VAXFLOW_SITES_XUHUI_ROOMCAPACITY", "10");
    // the booking spike books xuhui on SPIKE_DAY: 08:00-18:00 in 60-minute slots of 100 = 1,000 seats
    env.put("VAXFLOW_SITES_XUHUI_HOURS_OPEN", "08:00");
    env.put("VAXFLOW_SITES_XUHUI_HOURS_CLOSE", "18:00");
    env.put("VAXFLOW_SITES_XUHUI_SLOTMIN", "60");
    env.put("VAXFLOW_SITES_XUHUI_SLOTCAPACITY", "100");
    env.put("VAXFLOW_SITES_JINGAN_ROOMCAPACITY", "10000");
    env.put("VAXFLOW_SITES_JINGAN_SLOTCAPACITY", "100000");
    env.put("VAXFLOW_ANNOUNCE_INTERVALSEC", "1");
    for (String b : List.of("KIOSK", "SITE", "BOOKING", "BOOKINGS", "LOOKUP", "LOGIN")) {
      env.put("VAXFLOW_LIMITS_" + b + "_RATE", "1000000");
      env.put("VAXFLOW_LIMITS_" + b + "_BURST", "1000000");
    }
    // the load comes from one address: its one-time codes are not limited (each person has a phone of their own)
    for (String b : List.of("CODESPERADDRESSHOUR", "CODESPERPHONEHOUR", "MAXPERPHONE")) {
      env.put("VAXFLOW_BOOKING_" + b, "1000000");
    }
    // the metrics day (metricsDay): jingan open around the clock to walk-ins, 40 desks and 40 booths
    env.put("VAXFLOW_SITES_JINGAN_WALKINS", "true");
    env.put("VAXFLOW_SITES_JINGAN_HOURS_OPEN", "00:00");
    env.put("VAXFLOW_SITES_JINGAN_HOURS_CLOSE", "24:00");
    env.put("VAXFLOW_SITES_JINGAN_HALLCAPACITY", "100000");
    env.put("VAXFLOW_SITES_JINGAN_DESKS", "40");
    env.put("VAXFLOW_SITES_JINGAN_BOOTHS", "40");
    // the benchmark's booths give their shots without vials to open (the flow's figures, not the stock's)
    for (String site : List.of("XUHUI", "JINGAN", "PUDONG")) env.put("VAXFLOW_SITES_" + site + "_STOCK_REQUIRED", "false");
    return env;
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

  static long rssKb(Process p) throws IOException {
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

  void line(String s) {
    out.append(s).append('\n');
    System.out.println(s);
  }
}
