package io.vaxflow.gateway;

import io.vaxflow.support.Ids;
import static io.vaxflow.support.FlowKit.API;
import static io.vaxflow.support.FlowKit.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaxflow.store.RedisLauncher;
import io.vaxflow.support.Alone;
import io.vaxflow.support.TestCity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Faults under open-loop check-in load (200 arrivals/s, whatever the answers): every check-in
 * carries an Idempotency-Key and is retried with it after a 503 or a connection error until it is
 * acknowledged (201, or 200 for a replay). Each fault in its own fresh setup: (a) one of two server
 * instances killed with {@code kill -9}, (b) Redis killed with {@code kill -9} and restarted on its
 * append-only file, (c) Redis paused with SIGSTOP for 3 s. For each: every acknowledged number
 * exists afterwards and its key replays it (nothing lost), no number acknowledged for two keys (no
 * duplicate), while Redis is away every answer is a 503 within 3 s (the Redis timeout is 1 s; not a
 * hang), and a check-in is acknowledged again within 5 s after the fault ends. The figures are
 * printed, one line a fault. A load test with time bounds: it runs {@link Alone}.
 */
@Alone
class FaultsUnderLoadTest {

  private static final int RATE_PER_S = 200;
  private static final int MAX_IN_FLIGHT = 64;
  /** Load before the fault (a few hundred check-ins acknowledged that must survive it) and after it. */
  private static final long BEFORE_MS = 2_000;
  private static final long AFTER_MS = 3_000;
  private static final long RETRY_DELAY_MS = 200;
  /**
   * Generous bounds for a shared 2-core box, not tight measurements: with Redis away an answer
   * comes after at most the 1 s Redis timeout (measured up to ~1.3 s), a hang only at the client's
   * 10 s timeout; full service is what the issue asks.
   */
  private static final long HANG_BOUND_MS = 3_000;
  private static final long FULL_SERVICE_BOUND_MS = 5_000;
  private static final Map<String, String> SETTINGS = Map.of(
      "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "100000",
      "VAXFLOW_REDIS_TIMEOUTMS", "1000");

  @Test
  void oneOfTwoInstancesKilled() throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-faults");
    RedisLauncher redis = RedisLauncher.start(dir);
    TestCity city = null;
    Process other = null;
    Load load = null;
    try {
      city = TestCity.on(redis, SETTINGS);
      int otherPort = freePort();
      other = startServer(redis.url(), otherPort, dir.resolve("other.log"));
      awaitHealthy(other, otherPort, dir.resolve("other.log"));
      load = new Load(city.port(), otherPort);
      load.start();
      Thread.sleep(BEFORE_MS);

      long faultAt = System.nanoTime();
      signal("KILL", other.pid());
      other.onExit().get(10, TimeUnit.SECONDS);
      Thread.sleep(AFTER_MS);
      load.finish();

      // the instance is gone for good: full service is the first acknowledgement of a check-in that failed over
      long fullMs = load.firstFailoverAckMs(faultAt);
      Figures f = verify(load, city.port(), "one of two instances killed", load.maxAnswerMs(faultAt, Long.MAX_VALUE), fullMs);
      assertTrue(load.connectionErrors.get() > 0, "the killed instance refused or reset some requests");
      f.assertClean();
    } finally {
      if (load != null) load.close();
      if (other != null) stop(other);
      if (city != null) city.close();
      redis.stop();
      TestCity.deleteTree(dir);
    }
  }

  @Test
  void redisKilledAndRestartedOnItsAppendOnlyFile() throws Exception {
    redisAway("Redis killed, restarted on its AOF", (redis, pid, cleanup) -> {
      signal("KILL", pid);
      ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
      Thread.sleep(1_000);
      long backAt = System.nanoTime();
      RedisLauncher restarted = RedisLauncher.start(redis.dataDir(), redis.port());
      cleanup.add(restarted::stop);
      return backAt;
    });
  }

  @Test
  void redisPausedForThreeSeconds() throws Exception {
    redisAway("Redis paused (SIGSTOP) 3 s", (redis, pid, cleanup) -> {
      signal("STOP", pid);
      cleanup.add(() -> signal("CONT", pid)); // harmless when it ran already
      Thread.sleep(3_000);
      long backAt = System.nanoTime();
      signal("CONT", pid);
      return backAt;
    });
  }

  /** Takes Redis away under load; returns when it came back (System.nanoTime()); adds what undoes it to {@code cleanup}. */
  private interface RedisFault {
    long apply(RedisLauncher redis, long pid, List<Cleanup> cleanup) throws Exception;
  }

  private interface Cleanup {
    void run() throws Exception;
  }

  /** A server on its own Redis under load; Redis taken away by {@code fault}; checks and prints the figures. */
  private static void redisAway(String name, RedisFault fault) throws Exception {
    Path dir = Files.createTempDirectory("vaxflow-faults");
    RedisLauncher redis = RedisLauncher.start(dir);
    List<Cleanup> cleanup = new ArrayList<>();
    TestCity city = null;
    Load load = null;
    try {
      city = TestCity.on(redis, SETTINGS);
      long pid = redisPid(city);
      load = new Load(city.port());
      load.start();
      Thread.sleep(BEFORE_MS);
      long awayFrom = System.nanoTime();
      long backAt = fault.apply(redis, pid, cleanup);
      Thread.sleep(AFTER_MS);
      load.finish();

      Figures f = verify(load, city.port(), name, load.maxAnswerMs(awayFrom, backAt), load.first201Ms(backAt));
      f.assertClean();
      load.assertAway503(awayFrom, backAt);
    } finally {
      if (load != null) load.close();
      if (city != null) city.close();
      for (int i = cleanup.size() - 1; i >= 0; i--) cleanup.get(i).run();
      redis.stop();
      TestCity.deleteTree(dir);
    }
  }

  // ---- the figures of one fault ----

  private record Figures(String fault, int acknowledged, int retried, int lost, int duplicates, long maxAwayMs,
      long fullServiceMs, List<String> odd, List<String> lostDetail) {

    void assertClean() {
      assertTrue(acknowledged > 0, fault + ": nothing acknowledged");
      assertEquals(List.of(), odd, fault + ": answers other than 201, 200 replay or 503");
      assertEquals(0, lost, fault + ": acknowledged check-ins lost: " + lostDetail);
      assertEquals(0, duplicates, fault + ": numbers acknowledged for two keys");
      assertTrue(maxAwayMs < HANG_BOUND_MS, fault + ": an answer took " + maxAwayMs + " ms during the fault");
      assertTrue(fullServiceMs >= 0 && fullServiceMs < FULL_SERVICE_BOUND_MS,
          fault + ": full service " + fullServiceMs + " ms after the fault ended, not within 5 s");
    }
  }

  /** Checks every acknowledged check-in on a live instance: its ticket is there, its key replays the same number. */
  private static Figures verify(Load load, int port, String fault, long maxAwayMs, long fullServiceMs) {
    List<String> lostDetail = new ArrayList<>();
    List<Map.Entry<String, String>> acks = new ArrayList<>(load.numberByKey.entrySet());
    for (int from = 0; from < acks.size(); from += 32) {
      List<Map.Entry<String, String>> batch = acks.subList(from, Math.min(acks.size(), from + 32));
      List<Future<String>> checks = new ArrayList<>();
      for (Map.Entry<String, String> a : batch) {
        String key = a.getKey(), number = a.getValue();
        checks.add(load.web.get(port, "127.0.0.1", API + "/tickets/" + number).timeout(10_000).send()
            .compose(t -> {
              if (t.statusCode() != 200 || !number.equals(t.bodyAsJsonObject().getString("number"))) {
                return Future.succeededFuture(number + ": GET " + t.statusCode());
              }
              return load.checkIn(port, key).compose(r -> {
                String again = r.statusCode() == 200 ? r.bodyAsJsonObject().getJsonObject("ticket").getString("number") : null;
                return Future.succeededFuture(number.equals(again) ? null
                    : number + ": key " + key + " replays " + r.statusCode() + " " + again);
              });
            }));
      }
      Future.join(checks).await();
      for (Future<String> c : checks) {
        String problem = c.succeeded() ? c.result() : "check failed: " + c.cause();
        if (problem != null) lostDetail.add(problem);
      }
    }
    Figures f = new Figures(fault, acks.size(), load.retried.get(), lostDetail.size(), load.duplicates.get(), maxAwayMs,
        fullServiceMs, List.copyOf(load.odd), lostDetail.subList(0, Math.min(10, lostDetail.size())));
    System.out.printf("FaultsUnderLoadTest: %-36s acknowledged %5d, retried %5d, lost %d, duplicates %d, "
        + "max answer during fault %4d ms, full service %4d ms after "
        + "(%d sent, %d 503, %d connection errors, %d never acknowledged)%n",
        fault, f.acknowledged(), f.retried(), f.lost(), f.duplicates(), maxAwayMs, fullServiceMs, load.sent.get(),
        load.unavailable.get(), load.connectionErrors.get(), load.issued - acks.size());
    return f;
  }

  // ---- the open-loop load ----

  /** One answer (or connection error, status -1) to one send: when sent, when answered. */
  private record Answer(long sentNs, long answeredNs, int status) {}

  private static final class Pending {
    final String key;
    int target;
    boolean failedOver;

    Pending(String key, int target) {
      this.key = key;
      this.target = target;
    }
  }

  /**
   * Arrivals at a fixed rate from a 5 ms timer, sent round-robin over the ports, at most 64 in
   * flight (the rest wait their turn); a 503 or a connection error sends the same key again after
   * 200 ms (a connection error to the other port). All state lives on one event loop.
   */
  private static final class Load implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final WebClient web;
    final int[] ports;
    final java.util.concurrent.ConcurrentLinkedDeque<Pending> ready = new java.util.concurrent.ConcurrentLinkedDeque<>();
    final Map<String, String> numberByKey = new ConcurrentHashMap<>();
    final Map<String, String> keyByNumber = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> failoverAcks = new ConcurrentLinkedQueue<>();
    final List<String> odd = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger sent = new AtomicInteger(), retried = new AtomicInteger(), duplicates = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger(), connectionErrors = new AtomicInteger();
    final String run = Long.toString(System.nanoTime(), 36);
    volatile long issued;
    volatile boolean arrivals = true;
    volatile boolean closing;
    volatile int inFlight;
    volatile int waitingRetries;
    private long startNs;
    private long timer = -1;

    Load(int... ports) {
      this.ports = ports;
      this.web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setConnectTimeout(1_000),
          new PoolOptions().setHttp1MaxSize(MAX_IN_FLIGHT));
    }

    void start() {
      vertx.runOnContext(v -> {
        startNs = System.nanoTime();
        timer = vertx.setPeriodic(5, id -> tick());
      });
    }

    private void tick() {
      if (arrivals) {
        long due = (System.nanoTime() - startNs) * RATE_PER_S / 1_000_000_000L;
        while (issued < due) {
          ready.add(new Pending(run + "-" + issued, (int) (issued % ports.length)));
          issued++;
        }
      }
      while (!closing && inFlight < MAX_IN_FLIGHT && !ready.isEmpty()) send(ready.poll());
    }

    private void send(Pending p) {
      inFlight++;
      sent.incrementAndGet();
      long t0 = System.nanoTime();
      checkIn(ports[p.target], p.key).onComplete(ar -> {
        inFlight--;
        long t1 = System.nanoTime();
        if (ar.failed()) {
          answers.add(new Answer(t0, t1, -1));
          connectionErrors.incrementAndGet();
          if (ports.length > 1) {
            p.target = (p.target + 1) % ports.length;
            p.failedOver = true;
          }
          retry(p);
          return;
        }
        HttpResponse<Buffer> r = ar.result();
        answers.add(new Answer(t0, t1, r.statusCode()));
        if (r.statusCode() == 201 || r.statusCode() == 200) {
          String number = r.bodyAsJsonObject().getJsonObject("ticket").getString("number");
          String before = numberByKey.putIfAbsent(p.key, number);
          String owner = keyByNumber.putIfAbsent(number, p.key);
          if ((before != null && !before.equals(number)) || (owner != null && !owner.equals(p.key))) duplicates.incrementAndGet();
          if (p.failedOver) failoverAcks.add(t1);
        } else if (r.statusCode() == 503) {
          unavailable.incrementAndGet();
          retry(p);
        } else {
          odd.add(r.statusCode() + " " + r.bodyAsString());
        }
      });
    }

    private void retry(Pending p) {
      if (closing) return;
      retried.incrementAndGet();
      waitingRetries++;
      vertx.setTimer(RETRY_DELAY_MS, id -> {
        waitingRetries--;
        ready.addFirst(p);
      });
    }

    Future<HttpResponse<Buffer>> checkIn(int port, String key) {
      JsonObject body = new JsonObject().put("walkIn", new JsonObject().put("name", "Zhao Lei")
          .put("idNumber", idNumber(key)).put("dose", 1));
      return web.post(port, "127.0.0.1", API + "/checkins").putHeader("Idempotency-Key", key).timeout(10_000)
          .sendJsonObject(body);
    }

    /** A valid-looking 18-character id number per key, the same for every retry of the key. */
    private static String idNumber(String key) {
      long n = Long.parseLong(key.substring(key.lastIndexOf('-') + 1));
      return Ids.resident(21, n % 10_000_000);
    }

    /** Stops arrivals; lets the retries run until every key is acknowledged (or 10 s pass). */
    void finish() throws InterruptedException {
      arrivals = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && (inFlight > 0 || waitingRetries > 0 || !ready.isEmpty())) Thread.sleep(50);
      closing = true;
      vertx.runOnContext(v -> vertx.cancelTimer(timer));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline && inFlight > 0) Thread.sleep(50);
    }

    /** The longest answer (or connection error) of the sends made in [from, to]. */
    long maxAnswerMs(long fromNs, long toNs) {
      return answers.stream().filter(a -> a.sentNs() >= fromNs && a.sentNs() <= toNs)
          .mapToLong(a -> (a.answeredNs() - a.sentNs()) / 1_000_000).max().orElse(-1);
    }

    /** Milliseconds from {@code fromNs} to the first 201 answered after it; -1 when none. */
    long first201Ms(long fromNs) {
      return answers.stream().filter(a -> a.status() == 201 && a.answeredNs() >= fromNs)
          .mapToLong(a -> (a.answeredNs() - fromNs) / 1_000_000).min().orElse(-1);
    }

    long firstFailoverAckMs(long fromNs) {
      return failoverAcks.stream().filter(t -> t >= fromNs).mapToLong(t -> (t - fromNs) / 1_000_000).min().orElse(-1);
    }

    /** Every send made while Redis was away (50 ms after it went) and answered before it came back was a 503. */
    void assertAway503(long fromNs, long toNs) {
      long margin = TimeUnit.MILLISECONDS.toNanos(50);
      List<Answer> away = answers.stream().filter(a -> a.sentNs() >= fromNs + margin && a.answeredNs() < toNs).toList();
      assertTrue(away.size() > 0, "no answers while Redis was away");
      List<Integer> not503 = away.stream().map(Answer::status).filter(s -> s != 503).toList();
      assertEquals(List.of(), not503, "answers other than 503 while Redis was away (-1: no answer)");
    }

    @Override
    public void close() {
      closing = true;
      vertx.close().await();
    }
  }

  // ---- processes ----

  /** A server in its own JVM (so that {@code kill -9} kills it alone), with TestCity's settings. */
  private static Process startServer(String redisUrl, int port, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.vaxflow.Main");
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("VAXFLOW_") || List.of("REDIS_URL", "REDIS_TYPE", "HTTP_PORT", "CLOCK", "CONFIG",
        "DATA_DIR", "SIMULATE").contains(k));
    env.put("REDIS_URL", redisUrl);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("CLOCK", TestCity.MORNING);
    env.put("CONFIG", "config/vaxflow.yaml");
    env.put("DATA_DIR", log.getParent().resolve("other-data").toString());
    env.put("VAXFLOW_HTTP_HOST", "127.0.0.1");
    env.put("VAXFLOW_FLOW_TICKMS", "100");
    for (String bucket : new String[] {"KIOSK", "SITE", "BOOKING", "BOOKINGS", "LOOKUP", "LOGIN"}) {
      env.put("VAXFLOW_LIMITS_" + bucket + "_RATE", "100000");
      env.put("VAXFLOW_LIMITS_" + bucket + "_BURST", "1000000");
    }
    env.putAll(SETTINGS);
    pb.directory(Path.of("").toAbsolutePath().toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  private static void awaitHealthy(Process p, int port, Path log) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) fail("the second server exited with " + p.exitValue() + ":\n" + tail(log));
      try {
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(java.time.Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail("the second server was not healthy within 60 s:\n" + tail(log));
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(20, TimeUnit.SECONDS);
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
  }

  private static long redisPid(TestCity city) {
    String info = city.redis(Command.INFO, "server").toString();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("process_id:")) return Long.parseLong(line.substring("process_id:".length()).strip());
    }
    throw new AssertionError("no process_id in INFO server");
  }

  /** The last 4 KiB of the second server's log, for a failure message. */
  private static String tail(Path log) {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.substring(Math.max(0, text.length() - 4096));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
